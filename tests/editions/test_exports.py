"""Exports of an edition: Markdown and an HTML page from its Telegram HTML, and `sitrep brief
--format pdf` through the command line writing a PDF with the chart and the map."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.cli.brief import register
from bot.render.exports import html_document, html_to_markdown
from tests.editions.events import DAY, store_specs
from tests.support.delivery import domain_at

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def test_markdown_keeps_emphasis_and_links_and_escapes_the_rest() -> None:
    md = html_to_markdown('<b>Herat</b> · <i>note</i> <a href="https://x.org/a">2 sources</a>\n'
                          "a_b *c* [d] &amp; &lt;e&gt;")  # fmt: skip
    assert (
        md == "**Herat** · _note_ [2 sources](https://x.org/a)  \na\\_b \\*c\\* \\[d\\] & \\<e\\>  "
    )


def test_html_page_is_standalone_with_inline_pictures() -> None:
    part = (GOLDEN / "daily.html").read_text(encoding="utf-8")
    page = html_document([part], "Sitrep <daily>", [b"\x89PNG fake"])
    assert page.startswith("<!doctype html>") and "<title>Sitrep &lt;daily&gt;</title>" in page
    assert part in page and page.count('src="data:image/png;base64,') == 1


def test_brief_writes_a_weekly_pdf_with_pictures(sqlite_db_url: str, tmp_path: Path) -> None:
    async def seed() -> None:
        start = datetime.combine(DAY - timedelta(days=8), time(12), tzinfo=UTC)
        async with domain_at(sqlite_db_url, start) as (domain, _):
            await store_specs(domain)

    asyncio.run(seed())
    app = typer.Typer()
    register(app)

    @app.command()
    def noop() -> None:  # a second verb so typer keeps `brief` as a sub-command
        """Nothing."""

    out = tmp_path / "weekly.pdf"
    args = ["brief", "--date", DAY.isoformat(), "--weekly", "--db", sqlite_db_url, "--tz", "UTC",
            "--now", f"{DAY.isoformat()}T12:00:00+00:00"]  # fmt: skip
    done = CliRunner().invoke(app, [*args, "--format", "pdf", "--out", str(out)])
    assert done.exit_code == 0, done.output
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) >= 3  # the text, the chart, the map
    assert len(re.findall(rb"/Subtype /Image", pdf)) == 2
    bad = CliRunner().invoke(app, [*args, "--format", "docx"])
    assert bad.exit_code != 0 and "--format" in bad.output

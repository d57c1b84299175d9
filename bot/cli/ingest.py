"""`sitrep ingest FILE... --published DATE`: turn saved news articles into stored events."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

MAX_SUMMARY_CHARS = 110


def _short(text: str, limit: int = MAX_SUMMARY_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database URL (overrides DATABASE_URL), e.g. sqlite+aiosqlite:///x.db"
    ),
]


def register(app: typer.Typer) -> None:
    """Add the `ingest` verb to the sitrep command line (once)."""
    if not any(c.name == "ingest" for c in app.registered_commands):
        app.command(name="ingest")(ingest)


def ingest(
    files: Annotated[list[Path], typer.Argument(help="Article text files (UTF-8).")],
    published: Annotated[
        str, typer.Option("--published", help="The articles' publication date, YYYY-MM-DD.")
    ],
    source: Annotated[
        str, typer.Option("--source", help="The outlet, e.g. 'AP via Newsweek'.")
    ] = "",
    url: Annotated[str, typer.Option("--url", help="The article's address.")] = "",
    draft: Annotated[
        bool, typer.Option("--draft", help="Store new events as drafts for review.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Extract dated, placed, sourced events from news articles and store them."""
    from bot.cli.common import fail, migrate_or_exit, settings_or_exit
    from bot.domain.ingest.service import IngestError, decode_article

    try:
        day = date.fromisoformat(published.strip())
    except ValueError:
        raise fail(f"--published: expected a date like 2021-07-09, got {published!r}") from None
    texts: list[tuple[Path, str]] = []
    for path in files:
        try:
            texts.append((path, decode_article(path.read_bytes())))
        except OSError as exc:
            raise fail(f"{path}: cannot read it ({exc.strerror or exc})", 1) from None
        except IngestError as exc:
            raise fail(f"{path}: {exc}", 1) from None
    settings = settings_or_exit(db)
    migrate_or_exit(settings)
    try:
        import asyncio

        asyncio.run(_ingest_all(settings, texts, day, source, url, draft))
    except IngestError as exc:
        code = 2 if "published date" in str(exc) else 1
        raise fail(str(exc), code) from None


async def _ingest_all(
    settings: object, texts: list[tuple[Path, str]], day: date, outlet: str, url: str, draft: bool
) -> None:
    from bot.bootstrap import open_services
    from bot.config import Settings

    assert isinstance(settings, Settings)
    async with open_services(settings) as domain:
        service = domain.ingest
        for path, text in texts:
            report = await service.ingest(text, published=day, outlet=outlet, url=url, draft=draft)
            typer.echo(f"{path}: {report.message}")
            shown = report.previous if report.duplicate else report.created
            for ev in shown:
                typer.echo(f"  #{ev.id}  {ev.date_label}  {ev.place_name}  {_short(ev.summary)}")
            for ev in [] if report.duplicate else report.merged:
                typer.echo(
                    f"  merged into #{ev.id}  {ev.date_label}  {ev.place_name}  "
                    f"{_short(ev.summary)}"
                )

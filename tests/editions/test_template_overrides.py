"""TEMPLATES_DIR: an operator's templates override the packaged ones file by file; a broken one
is reported at start with its file and line, and the packaged one is used."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from bot.bootstrap import open_services
from bot.domain.clock import FixedClock
from bot.render.environment import Renderer, check_templates, create_environment
from tests.support.delivery import settings_for, utc

GOOD = "{% import '_edition.html' as ed %}<b>Our own daily</b> {{ d.date_label }}\n"
BROKEN = "<b>Weekly</b>\n{% for x in d.body.sections %}\n{{ x.name }\n{% endfor %}\n"


def _overrides(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "daily.html").write_text(GOOD, encoding="utf-8")
    (folder / "weekly.html").write_text(BROKEN, encoding="utf-8")
    return folder


def test_broken_override_is_reported_with_file_and_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _overrides(tmp_path)
    with caplog.at_level(logging.ERROR, logger="bot.render.environment"):
        env = create_environment(overrides=folder)
    [report] = [r.getMessage() for r in caplog.records]
    assert f"{folder / 'weekly.html'}:3:" in report and "packaged one is used" in report
    assert "weekly.html" in check_templates(env)
    renderer = Renderer(env)
    assert renderer.env.get_template("daily.html").filename == str(folder / "daily.html")
    assert renderer.env.get_template("weekly.html").filename != str(folder / "weekly.html")


async def test_operator_wording_reaches_the_edition(tmp_path: Path, sqlite_db_url: str) -> None:
    settings = settings_for(sqlite_db_url).model_copy(
        update={"templates_dir": _overrides(tmp_path)}
    )
    async with open_services(settings, FixedClock(utc(2024, 5, 20, 8, 0))) as domain:
        daily = domain.briefings.first_edition_audience(
            day=date(2024, 5, 20), timezone="UTC", minute=7 * 60
        )
        data = await domain.briefings.collect(daily)
        assert domain.briefings.render(data, empty_note=False) == []
        rendered = domain.renderer.render("daily.html", d=data)
        weekly = domain.renderer.render("weekly.html", d=data)
    assert rendered == "<b>Our own daily</b> Mon 20 May 2024"
    assert weekly.startswith("<b>Sitrep weekly briefing")  # the packaged one

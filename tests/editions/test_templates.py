"""Every edition template rendered with typed data under StrictUndefined: nothing undefined,
every value escaped for Telegram HTML, every part within Telegram's limit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.delivery.split import split_html
from bot.domain.editions.model import EditionData, FigureView
from bot.domain.editions.parts import (
    Correction,
    CountRow,
    EditionBody,
    EditionLine,
    EditionSection,
    TrendItem,
)
from bot.domain.events.model import (
    ClaimStatus,
    EventStatus,
    EventView,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.questions.timetypes import FuzzyDate
from bot.render.environment import Renderer, check_templates, create_environment
from bot.render.plain import html_to_text

HOSTILE = 'Gunmen <script>alert(1)</script> & "friends" hit A&B'
NOW = datetime(2024, 5, 20, 7, tzinfo=UTC)


def _event(i: int, **changes: object) -> EventView:
    values: dict[str, object] = {
        "id": i,
        "summary": f"{HOSTILE} number {i}.",
        "when": FuzzyDate.day(date(2024, 5, 19)),
        "place_key": "el-fasher-g84v7",
        "place_text": "El Fasher",
        "place_name": "El <b>Fasher</b>",
        "location_precision": LocationPrecision.NEAR,
        "actors": (),
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "severity": Severity.FLASH,
        "claim_status": ClaimStatus.CLAIMED,
        "claim_note": "",
        "fatalities": 3,
        "status": EventStatus.PUBLISHED,
        "retract_reason": None,
        "origin": Origin.ADMIN,
        "reviewed": False,
        "external_key": None,
        "reported_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
        "sources": (SourceInfo("Wire & Co", "https://example.org/?a=1&b=<2>"),),
    }
    values.update(changes)
    return EventView(**values)  # type: ignore[arg-type]


def _line(i: int, highlight: int = 0) -> EditionLine:
    e = _event(i)
    return EditionLine(e, e.summary, e.place_name, 2, e.sources[0].url, "Darfur <state>", True,
                       highlight)  # fmt: skip


def _data(weekly: bool, *, empty: bool = False) -> EditionData:
    lines = tuple(_line(i, 1 if i == 1 else 0) for i in range(1, 4))
    retracted = _event(9, status=EventStatus.RETRACTED, retract_reason="wrong <town>")
    body = EditionBody(
        highlights=() if empty else lines[:1],
        sections=()
        if empty
        else (
            EditionSection("North <Darfur> state", lines, (TrendItem("Battles", 3, 1, "more"),), 2),
        ),
        background=() if empty else (_line(5),),
        corrections=() if empty else (Correction(retracted, True), Correction(_event(8), False)),
        counts=(CountRow("North <Darfur> state", 3, (("Battles", 3), ("Protests", 0))),),
        types=("Battles", "Protests"),
        more=4,
        flash=1,
        unreviewed_note=True,
        new_figures=frozenset({1}),
    )
    figures = (
        FigureView(1, "1 <million> displaced", date(2024, 5, 1), "IOM & partners", NOW),
        FigureView(2, "Old figure", date(2024, 4, 1), "", None),
    )
    return EditionData("Mon 20 May 2024", "UTC (+0:00)", "19 May 07:00 – 20 May 07:00",
                       "All <places>", body, figures, 4, weekly=weekly,
                       first_day_label="Mon 13 May 2024")  # fmt: skip


@pytest.mark.parametrize(
    ("name", "weekly", "empty"),
    [("daily.html", False, False), ("weekly.html", True, False), ("daily_empty.html", False, True)],
)
def test_edition_templates_render_escaped(name: str, weekly: bool, empty: bool) -> None:
    renderer = Renderer(create_environment())
    html = renderer.render(name, d=_data(weekly, empty=empty))
    assert "<script>" not in html and "<b>Fasher</b>" not in html
    assert "&lt;script&gt;" in html or empty
    parts = split_html(html)
    assert parts and all(len(p) <= 4096 for p in parts)
    text = html_to_text(html)
    assert "Mon 20 May 2024" in text
    for row in text.splitlines():  # each bullet on a line of its own
        assert "•" not in row[1:], row
    if not empty:
        assert "wrong <town>" in text and "North <Darfur> state" in text
        assert "Battles 3 (1 before, more)" in text
        assert "highlight 1" in text and "(2 sources (https://example.org/?a=1&b=<2>))" in text
        assert text.count(" · new") == 1


def test_every_packaged_template_compiles() -> None:
    names = check_templates(create_environment())
    assert {"daily.html", "weekly.html", "_edition.html", "daily_empty.html"} <= set(names)

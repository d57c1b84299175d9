"""`/chart PLACE [period]` through the real app and the offline Bot API: two photos (the chart
and the map) with captions, drawn once per place and period; bad input gets the usage."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.events.model import EventDraft, Severity, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from tests.support.harness import Harness

PNG = b"\x89PNG\r\n\x1a\n"


async def _events(bot: Harness) -> None:
    today = bot.clock.now().date()
    for n, (days_ago, place, kind) in enumerate(
        [(0, "islam-qala", "Battles"), (1, "shindand", "Battles"), (3, "herat", "Protests"),
         (20, "herat", "Battles"), (2, "kunduz", "Battles")]
    ):  # fmt: skip
        added = await bot.services.events.add(
            EventDraft(
                summary=f"Event number {n} of the chart test.",
                when=FuzzyDate.day(today - timedelta(days=days_ago)),
                place_key=place,
                place_text=place,
                event_type=kind,
                severity=Severity.NOTABLE,
                sources=(SourceInfo("Wire", published_on=today - timedelta(days=days_ago)),),
            )
        )
        assert added.created


async def test_chart_sends_the_chart_and_the_map(bot: Harness) -> None:
    await _events(bot)
    await bot.send("/chart Herat 14d")
    photos = bot.api.calls_to("sendPhoto")
    assert len(photos) == 2 and all(c.ok for c in photos)
    chart, where = (c.params["caption"] for c in photos)
    # Herat province this fortnight: Islam Qala, Shindand and Herat itself; not Kunduz, not
    # the event of three weeks ago
    assert chart.startswith("<b>Herat</b>: 3 events from")
    assert where == "<b>Herat</b>: events at 3 places."
    uploads = [f.content for f in bot.api.files.values()]
    assert len(uploads) == 2 and all(u.startswith(PNG) and len(u) > 10_000 for u in uploads)
    await bot.send("/chart Herat 14d")  # the same place and period: the same pictures again
    assert len(bot.api.calls_to("sendPhoto")) == 4
    assert {f.content for f in bot.api.files.values()} == set(uploads)


async def test_chart_without_a_place_or_with_an_unknown_one(bot: Harness) -> None:
    [usage] = await bot.send("/chart")
    assert "/chart PLACE" in usage["text"]
    [usage] = await bot.send("/chart Herat 90d")
    assert "/chart PLACE" in usage["text"]
    [unknown] = await bot.send("/chart Qqzzyxv")
    assert "know the place “Qqzzyxv”" in unknown["text"]
    assert bot.api.calls_to("sendPhoto") == []

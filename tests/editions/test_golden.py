"""Golden files: the daily and weekly editions over the fixture events, as Telegram HTML and as
plain text (`SITREP_UPDATE_GOLDEN=1` rewrites them after a deliberate change; read the diff)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import Services
from bot.domain.clock import FixedClock
from bot.domain.events.model import EventStatus
from bot.render.plain import html_to_text
from tests.editions.events import DAY, MINUTE, ZONE, store_specs
from tests.support.delivery import domain_at

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def _at(days_before: int, hour: int = 12) -> datetime:
    return datetime.combine(DAY - timedelta(days=days_before), time(hour), tzinfo=UTC)


@pytest.fixture
async def world(sqlite_db_url: str) -> AsyncIterator[tuple[Services, dict[str, int]]]:
    """The fixture events, an earlier edition that carried one since corrected, two figures."""
    async with domain_at(sqlite_db_url, _at(8)) as (domain, clock):
        await domain.figures.add("About 1.7 million people displaced in North Darfur | "
                                 "2024-05-01 | IOM", today=DAY)  # fmt: skip
        ids = await store_specs(domain)
        clock.advance(_at(1, 7) - clock.now())
        earlier = domain.briefings.first_edition_audience(
            day=DAY - timedelta(days=1), timezone=ZONE, minute=MINUTE
        )
        edition_id, _ = await domain.briefings.edition(earlier)
        assert edition_id is not None
        _advance(clock, _at(1, 15))
        await domain.events.set_status(
            [ids["fasher_clash_c"]], EventStatus.RETRACTED, reason="the roads stayed open"
        )
        await domain.figures.add("Over 25 health facilities closed in Darfur | 2024-05-18 | "
                                 "WHO", today=DAY)  # fmt: skip
        _advance(clock, _at(0, 7))
        yield domain, ids


def _advance(clock: FixedClock, to: datetime) -> None:
    clock.advance(to - clock.now())


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/<name> (or rewrite it when SITREP_UPDATE_GOLDEN is set)."""
    path = GOLDEN / name
    if os.environ.get("SITREP_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("weekly", [False, True], ids=["daily", "weekly"])
async def test_edition_matches_golden_files(
    world: tuple[Services, dict[str, int]], weekly: bool
) -> None:
    domain, _ = world
    audience = domain.briefings.first_edition_audience(
        day=DAY, timezone=ZONE, minute=MINUTE, weekly=weekly
    )
    parts = await domain.briefings.preview(audience)
    assert len(parts) == 1 and all(len(p) <= 4096 for p in parts)
    name = "weekly" if weekly else "daily"
    check_golden(f"{name}.html", parts[0])
    check_golden(f"{name}.txt", html_to_text(parts[0]))


async def test_daily_edition_structure(world: tuple[Services, dict[str, int]]) -> None:
    domain, ids = world
    audience = domain.briefings.first_edition_audience(day=DAY, timezone=ZONE, minute=MINUTE)
    data = await domain.briefings.collect(audience)
    body = data.body
    # the flash shelling, told by three outlets and a merged fourth, leads
    first = body.highlights[0]
    assert first.event.id == ids["fasher_shelling"] and first.sources == 4
    assert 3 <= len(body.highlights) <= 5
    shown = [ln.event.id for s in body.sections for ln in s.lines]
    assert ids["fasher_twin"] not in shown and len(shown) == len(set(shown))
    for section in body.sections:
        days = [ln.day for ln in section.lines]
        assert days == sorted(days), section.name
    darfur = next(s for s in body.sections if s.name == "North Darfur state")
    # against the period before (its third clash retracted): computed, not invented
    assert {(t.event_type, t.now, t.before, t.direction) for t in darfur.trend} == {
        ("Explosions/Remote violence", 1, 1, "similar"),
        ("Battles", 1, 2, "similar"),
        ("Strategic developments", 1, 0, "similar"),
    }
    assert [ln.event.id for ln in body.background] == [ids["fasher_background"]]
    assert [(c.event.id, c.retracted) for c in body.corrections] == [(ids["fasher_clash_c"], True)]
    marked = [ln.event.id for s in body.sections for ln in s.lines if ln.mark_unreviewed]
    assert marked == [ids["shindand_raid"]] and not body.unreviewed_note
    assert len(body.new_figures) == 1


async def test_weekly_counts_by_area_and_type(world: tuple[Services, dict[str, int]]) -> None:
    domain, _ = world
    audience = domain.briefings.first_edition_audience(
        day=DAY, timezone=ZONE, minute=MINUTE, weekly=True
    )
    data = await domain.briefings.collect(audience)
    counts = {row.area: (row.total, dict(row.by_type)) for row in data.body.counts}
    assert counts["North Darfur state"][0] == 7  # the retracted clash and the twin not counted
    assert counts["North Darfur state"][1]["Explosions/Remote violence"] == 2
    assert counts["Herat province"] == (
        3,
        {**dict.fromkeys(data.body.types, 0), "Battles": 1, "Strategic developments": 1,
         "Explosions/Remote violence": 1},
    )  # fmt: skip

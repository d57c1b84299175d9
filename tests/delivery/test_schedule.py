"""The tick on a fake clock: editions at the subscriber's local time (Kabul, Berlin across both
DST changes), once a day, and catching up after downtime within the grace period."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.editions.schedule import local_instant, next_delivery
from tests.support.delivery import (
    add_event,
    domain_at,
    editions,
    minutes_around,
    outbox_rows,
    run_ticks,
    subscribe,
    utc,
)

pytestmark = pytest.mark.slow

CHAT = 4242


@pytest.mark.parametrize(
    ("zone", "day", "minute", "expected"),
    [
        ("Asia/Kabul", date(2021, 7, 9), 7 * 60, utc(2021, 7, 9, 2, 30)),
        ("Asia/Kabul", date(2021, 7, 9), 0, utc(2021, 7, 8, 19, 30)),
        ("Europe/Berlin", date(2021, 3, 27), 7 * 60, utc(2021, 3, 27, 6, 0)),
        ("Europe/Berlin", date(2021, 3, 28), 7 * 60, utc(2021, 3, 28, 5, 0)),
        # 02:30 does not exist on 28 March: the moment the clocks jump (03:00 CEST)
        ("Europe/Berlin", date(2021, 3, 28), 2 * 60 + 30, utc(2021, 3, 28, 1, 0)),
        ("Europe/Berlin", date(2021, 3, 28), 2 * 60, utc(2021, 3, 28, 1, 0)),
        ("Europe/Berlin", date(2021, 3, 28), 3 * 60, utc(2021, 3, 28, 1, 0)),
        ("Europe/Berlin", date(2021, 10, 30), 7 * 60, utc(2021, 10, 30, 5, 0)),
        ("Europe/Berlin", date(2021, 10, 31), 7 * 60, utc(2021, 10, 31, 6, 0)),
        # 02:30 happens twice on 31 October: the first time (still CEST)
        ("Europe/Berlin", date(2021, 10, 31), 2 * 60 + 30, utc(2021, 10, 31, 0, 30)),
    ],
)
def test_local_instant(zone: str, day: date, minute: int, expected: datetime) -> None:
    assert local_instant(day, minute, ZoneInfo(zone)) == expected


@pytest.mark.parametrize(
    ("zone", "minute", "after", "expected"),
    [
        ("Asia/Kabul", 420, utc(2021, 7, 9, 2, 29), utc(2021, 7, 9, 2, 30)),
        ("Asia/Kabul", 420, utc(2021, 7, 9, 2, 30), utc(2021, 7, 10, 2, 30)),
        # the repeated 02:30 on 31 October is not a second delivery
        ("Europe/Berlin", 150, utc(2021, 10, 31, 0, 30), utc(2021, 11, 1, 1, 30)),
        ("Europe/Berlin", 150, utc(2021, 3, 27, 1, 30), utc(2021, 3, 28, 1, 0)),
        ("Europe/Berlin", 150, utc(2021, 3, 28, 1, 0), utc(2021, 3, 29, 0, 30)),
    ],
)
def test_next_delivery(zone: str, minute: int, after: datetime, expected: datetime) -> None:
    assert next_delivery(minute, ZoneInfo(zone), after) == expected


# (zone, local minute, subscribed at, the three delivery instants that must follow)
DAILY = [
    pytest.param(
        "Asia/Kabul",
        7 * 60,
        utc(2021, 7, 7, 12, 0),
        [utc(2021, 7, 8, 2, 30), utc(2021, 7, 9, 2, 30), utc(2021, 7, 10, 2, 30)],
        id="kabul-0700",
    ),
    pytest.param(
        "Europe/Berlin",
        7 * 60,
        utc(2021, 3, 26, 12, 0),
        [utc(2021, 3, 27, 6, 0), utc(2021, 3, 28, 5, 0), utc(2021, 3, 29, 5, 0)],
        id="berlin-0700-spring",
    ),
    pytest.param(
        "Europe/Berlin",
        2 * 60 + 30,
        utc(2021, 3, 26, 12, 0),
        [utc(2021, 3, 27, 1, 30), utc(2021, 3, 28, 1, 0), utc(2021, 3, 29, 0, 30)],
        id="berlin-0230-spring",
    ),
    pytest.param(
        "Europe/Berlin",
        7 * 60,
        utc(2021, 10, 29, 12, 0),
        [utc(2021, 10, 30, 5, 0), utc(2021, 10, 31, 6, 0), utc(2021, 11, 1, 6, 0)],
        id="berlin-0700-autumn",
    ),
    pytest.param(
        "Europe/Berlin",
        2 * 60 + 30,
        utc(2021, 10, 29, 12, 0),
        [utc(2021, 10, 30, 0, 30), utc(2021, 10, 31, 0, 30), utc(2021, 11, 1, 1, 30)],
        id="berlin-0230-autumn",
    ),
]


@pytest.mark.parametrize(("zone", "minute", "start", "expected"), DAILY)
async def test_edition_comes_at_local_time_once_a_day(
    sqlite_db_url: str, zone: str, minute: int, start: datetime, expected: list[datetime]
) -> None:
    await _check_daily(sqlite_db_url, zone, minute, start, expected)


async def test_dst_gap_delivery_on_both_backends(db_url: str) -> None:
    await _check_daily(db_url, *DAILY[2].values)  # type: ignore[arg-type]


async def _check_daily(
    url: str, zone: str, minute: int, start: datetime, expected: list[datetime]
) -> None:
    """Tick every half hour and every minute near each delivery; check what was enqueued."""
    end = expected[-1] + timedelta(hours=3)
    steps = int((end - start).total_seconds() // 1800)
    half_hourly = [start + timedelta(minutes=30 * i) for i in range(steps)]
    near = [t for due in expected for t in minutes_around(due, 3, 3)]
    async with domain_at(url, start) as (domain, clock):
        await subscribe(domain, CHAT, minute=minute, tz=zone)
        ticks = await run_ticks(domain, clock, sorted(set(half_hourly + near)))
        rows = await outbox_rows(domain)
        stored = await editions(domain)
    # one row per day, each enqueued by the tick at exactly its due instant (not a minute early)
    assert [r.not_before for r in rows] == expected
    assert [at for at, new in ticks if new] == expected
    assert len({r.dedupe_key for r in rows}) == 3
    tz = ZoneInfo(zone)
    local_days = [r.not_before.astimezone(tz).date() for r in rows]
    assert len(set(local_days)) == 3
    for r in rows:
        local = r.not_before.astimezone(tz)
        wanted = (minute // 60, minute % 60)
        gap_day = (local.date(), wanted) == (date(2021, 3, 28), (2, 30))
        assert (local.hour, local.minute) == ((3, 0) if gap_day else wanted)
    # the windows tile time: each edition starts where the previous one ended
    assert [e.window_end for e in stored] == expected
    assert [e.window_start for e in stored[1:]] == expected[:-1]
    assert stored[0].window_start == expected[0] - timedelta(hours=24)


KABUL_DUE = [utc(2021, 7, d, 2, 30) for d in (8, 9, 10, 11, 12)]


@pytest.mark.parametrize(
    ("late", "delivered"),
    [
        (timedelta(0), True),
        (timedelta(minutes=1), True),
        (timedelta(hours=3), True),
        (timedelta(hours=6), True),
        (timedelta(hours=6, minutes=1), False),
        (timedelta(hours=20), False),
    ],
)
async def test_catch_up_within_grace_once(
    sqlite_db_url: str, late: timedelta, delivered: bool
) -> None:
    async with domain_at(sqlite_db_url, utc(2021, 7, 7, 12, 0)) as (domain, clock):
        await subscribe(domain, CHAT, tz="Asia/Kabul")
        await run_ticks(domain, clock, [KABUL_DUE[0]])
        await add_event(
            domain,
            "Clash in Bagrami",
            day=date(2021, 7, 8),
            place="bagrami",
            at=utc(2021, 7, 8, 10, 0),
        )
        now = KABUL_DUE[1] + late  # the bot was down at 07:00 Kabul on 9 July
        clock.advance(now - clock.now())
        first = await domain.briefings.tick(now)
        again = await domain.briefings.tick(now + timedelta(seconds=30))
        rows = await outbox_rows(domain)
        sub = await domain.subscriptions.get(CHAT)
    assert again.due == 0 and again.enqueued == 0 and again.skipped_missed == 0
    assert sub is not None and sub.next_due_at == KABUL_DUE[2]
    if delivered:
        assert (first.due, first.enqueued, first.skipped_missed) == (1, 1, 0)
        assert len(rows) == 2 and rows[1].not_before == KABUL_DUE[1]
        assert "Clash in Bagrami" in rows[1].text
        assert sub.last_window_end == KABUL_DUE[1]
    else:
        assert (first.due, first.enqueued, first.skipped_missed) == (0, 0, 1)
        assert len(rows) == 1
        assert sub.last_window_end == KABUL_DUE[0]  # the window keeps growing


async def test_missed_edition_is_covered_by_the_next(db_url: str) -> None:
    async with domain_at(db_url, utc(2021, 7, 7, 12, 0)) as (domain, clock):
        await subscribe(domain, CHAT, tz="Asia/Kabul")
        await run_ticks(domain, clock, [KABUL_DUE[0]])
        for i, (place, at) in enumerate(
            [
                ("bagrami", utc(2021, 7, 8, 10, 0)),  # for 9 July's edition, which is missed
                ("istalif", utc(2021, 7, 9, 2, 29)),
                ("paghman", utc(2021, 7, 9, 12, 0)),  # for 10 July's edition
            ]
        ):
            await add_event(
                domain, f"Event {i} near {place}", day=date(2021, 7, 9), place=place, at=at
            )
        # down from before 9 July 07:00 to 10 July 14:00 Kabul (beyond grace for 9 July)
        report = await domain.briefings.tick(utc(2021, 7, 9, 9, 0))
        assert report.skipped_missed == 1
        await run_ticks(domain, clock, minutes_around(KABUL_DUE[2], 0, 1))
        rows = await outbox_rows(domain)
        stored = await editions(domain)
    assert [r.not_before for r in rows] == [KABUL_DUE[0], KABUL_DUE[2]]
    assert all(f"Event {i} near" in rows[1].text for i in range(3))
    assert (stored[-1].window_start, stored[-1].window_end) == (KABUL_DUE[0], KABUL_DUE[2])


async def test_down_for_more_than_a_day_sends_one_catch_up(db_url: str) -> None:
    async with domain_at(db_url, utc(2021, 7, 7, 12, 0)) as (domain, clock):
        await subscribe(domain, CHAT, tz="Asia/Kabul")
        await run_ticks(domain, clock, [KABUL_DUE[0]])
        await add_event(
            domain,
            "Clash in Bagrami",
            day=date(2021, 7, 8),
            place="bagrami",
            at=utc(2021, 7, 8, 10, 0),
        )
        await add_event(
            domain,
            "Market fire in Istalif",
            day=date(2021, 7, 9),
            place="istalif",
            at=utc(2021, 7, 9, 10, 0),
        )
        back = KABUL_DUE[2] + timedelta(hours=2)  # back up at 09:00 Kabul on 10 July
        ticks = await run_ticks(domain, clock, [back + timedelta(seconds=30 * i) for i in range(4)])
        rows = await outbox_rows(domain)
    assert [at for at, new in ticks if new] == [back]  # one catch-up, at the first tick
    assert [r.not_before for r in rows] == [KABUL_DUE[0], KABUL_DUE[2]]
    assert "Clash in Bagrami" in rows[1].text and "Market fire in Istalif" in rows[1].text


async def test_missed_first_edition_loses_nothing(db_url: str) -> None:
    async with domain_at(db_url, utc(2021, 7, 7, 12, 0)) as (domain, clock):
        await subscribe(domain, CHAT, tz="Asia/Kabul")
        await add_event(
            domain,
            "Clash in Bagrami",
            day=date(2021, 7, 7),
            place="bagrami",
            at=utc(2021, 7, 7, 20, 0),  # for the first edition (8 July), which is missed
        )
        report = await domain.briefings.tick(KABUL_DUE[0] + timedelta(hours=7))
        assert report.skipped_missed == 1
        await run_ticks(domain, clock, [KABUL_DUE[1]])
        rows = await outbox_rows(domain)
    assert [r.not_before for r in rows] == [KABUL_DUE[1]]
    assert "Clash in Bagrami" in rows[0].text


async def test_concurrent_ticks_enqueue_once(db_url: str) -> None:
    """Two instances ticking on one database at once: one edition row, not two."""
    async with domain_at(db_url, utc(2021, 7, 7, 12, 0)) as (domain, clock):
        await subscribe(domain, CHAT, tz="Asia/Kabul")
        clock.advance(KABUL_DUE[0] - clock.now())
        # two instances ticking on the same database at once
        async with domain_at(db_url, KABUL_DUE[0]) as (other, _):
            reports = await asyncio.gather(
                domain.briefings.tick(KABUL_DUE[0]), other.briefings.tick(KABUL_DUE[0])
            )
        rows = await outbox_rows(domain)
    assert len(rows) == 1
    assert sum(r.enqueued for r in reports) == 1

"""What goes into an edition: reported windows (each event in exactly one edition per
subscriber), date-only reports by the reader's zone, background, filters, the empty-day note,
key figures, and one render per distinct audience."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.sim.api import parse_html
from bot.store.models.delivery import KeyFigureRow
from tests.support.delivery import (
    Row,
    add_event,
    domain_at,
    editions,
    outbox_rows,
    run_ticks,
    subscribe,
    utc,
)

pytestmark = pytest.mark.slow

KABUL_CHAT, BERLIN_CHAT = 1001, 1002
# Kabul 07:00 (+4:30) is 02:30 UTC; Berlin 23:00 in July (+2:00) is 21:00 UTC.
KABUL_DUE = {d: utc(2021, 7, d, 2, 30) for d in (8, 9, 10, 11)}
BERLIN_DUE = {d: utc(2021, 7, d, 21, 0) for d in (8, 9, 10, 11)}

# summary -> (first report: instant or date, place, local date of the Kabul edition, of Berlin's)
WINDOW_EVENTS: dict[str, tuple[datetime | date, str, int, int]] = {
    "Alpha: checkpoint attacked": (utc(2021, 7, 9, 2, 29, 59), "bagrami", 9, 9),
    "Bravo: district centre falls": (utc(2021, 7, 9, 2, 30), "istalif", 10, 9),
    "Charlie: road to the airport closed": (utc(2021, 7, 9, 20, 59), "paghman", 10, 9),
    "Delta: shelling near the river": (utc(2021, 7, 9, 21, 0), "surobi", 10, 10),
    # date-only: the 9th ends at 19:30 UTC in Kabul but at 22:00 UTC in Berlin
    "Echo: families leave for the city": (date(2021, 7, 9), "farzah", 10, 10),
    "Foxtrot: police post handed over": (date(2021, 7, 8), "kalakan", 9, 9),
    "Golf: night letters in the bazaar": (date(2021, 7, 10), "gul-darah", 11, 11),
    "Hotel: bridge destroyed overnight": (utc(2021, 7, 8, 20, 0), "deh-e-sabz", 9, 8),
    "India: convoy ambushed at dusk": (utc(2021, 7, 10, 19, 45), "chahar-asyab", 11, 10),
}


def _by_day(rows: list[Row], chat: int) -> dict[int, str]:
    return {r.not_before.day: r.text for r in rows if r.chat_id == chat}


async def test_every_event_lands_in_exactly_one_edition(db_url: str) -> None:
    async with domain_at(db_url, utc(2021, 7, 7, 22, 0)) as (domain, clock):
        await subscribe(domain, KABUL_CHAT, tz="Asia/Kabul", minute=7 * 60)
        await subscribe(domain, BERLIN_CHAT, tz="Europe/Berlin", minute=23 * 60)
        for summary, (first, place, _, _) in WINDOW_EVENTS.items():
            when = first if isinstance(first, date) and not isinstance(first, datetime) else None
            at = first if isinstance(first, datetime) else None
            day = at.date() if at else when
            assert day is not None
            await add_event(domain, summary, day=day, place=place, at=at, on=when)
        await run_ticks(domain, clock, [*KABUL_DUE.values(), *BERLIN_DUE.values()])
        rows = await outbox_rows(domain)
    kabul, berlin = _by_day(rows, KABUL_CHAT), _by_day(rows, BERLIN_CHAT)
    assert sorted(kabul) == [8, 9, 10, 11] and sorted(berlin) == [8, 9, 10, 11]
    for summary, (_, _, k_day, b_day) in WINDOW_EVENTS.items():
        assert [d for d, text in kabul.items() if summary in text] == [k_day], summary
        assert [d for d, text in berlin.items() if summary in text] == [b_day], summary


async def test_background_for_old_dated_events(sqlite_db_url: str) -> None:
    due = utc(2021, 7, 10, 2, 30)
    async with domain_at(sqlite_db_url, utc(2021, 7, 9, 12, 0)) as (domain, clock):
        await subscribe(domain, KABUL_CHAT, tz="Asia/Kabul")
        reported = utc(2021, 7, 9, 18, 0)
        for summary, day, place in [
            ("Fresh: fighting reported today", date(2021, 7, 9), "bagrami"),
            ("Week old: clash a week before", date(2021, 7, 3), "istalif"),
            ("Old: massacre in June revealed", date(2021, 7, 2), "paghman"),
            ("Older: February fire at the depot", date(2021, 2, 13), "surobi"),
        ]:
            await add_event(domain, summary, day=day, place=place, at=reported)
        await run_ticks(domain, clock, [due])
        [row] = await outbox_rows(domain)
    news, _, background = row.text.partition("<b>Background</b>")
    assert "Fresh:" in news and "Week old:" in news
    assert "Old:" in background and "Older:" in background
    assert "Old:" not in news and "Older:" not in news
    assert background.index("Old:") < background.index("Older:")  # newest first
    parse_html(row.text)


FILTER_EVENTS = [
    ("The Taliban seized the Islam Qala crossing", "islam-qala", "Strategic developments"),
    ("Clash on the edge of Herat city", "herat-city", "Battles"),
    ("Fighting at Spin Boldak", "spin-boldak", "Battles"),
    ("Shopkeepers protest in Kunduz", "kunduz", "Protests"),
]


@pytest.mark.parametrize(
    ("places", "types", "expected"),
    [
        ((), (), {0, 1, 2, 3}),
        (("herat",), (), {0, 1}),  # a province includes its crossings and towns
        (("islam-qala",), (), {0}),
        (("herat", "kandahar"), (), {0, 1, 2}),
        ((), ("Battles",), {1, 2}),
        (("herat",), ("Battles",), {1}),
        (("herat",), ("Battles", "Strategic developments"), {0, 1}),
        (("kunduz",), ("Battles",), set()),
    ],
)
async def test_filters_by_place_and_type(
    sqlite_db_url: str, places: tuple[str, ...], types: tuple[str, ...], expected: set[int]
) -> None:
    async with domain_at(sqlite_db_url, utc(2021, 7, 9, 0, 0)) as (domain, clock):
        await subscribe(domain, KABUL_CHAT, tz="Asia/Kabul", places=places, types=types)
        for summary, place, kind in FILTER_EVENTS:
            await add_event(
                domain,
                summary,
                day=date(2021, 7, 9),
                place=place,
                event_type=kind,
                at=utc(2021, 7, 9, 1, 0),
            )
        await run_ticks(domain, clock, [KABUL_DUE[9]])
        [row] = await outbox_rows(domain)
    shown = {i for i, (summary, _, _) in enumerate(FILTER_EVENTS) if summary in row.text}
    assert shown == expected
    assert ("No new events were stored" in row.text) == (not expected)


@pytest.mark.parametrize("empty_note", [True, False])
async def test_empty_day(sqlite_db_url: str, empty_note: bool) -> None:
    async with domain_at(sqlite_db_url, utc(2021, 7, 9, 0, 0)) as (domain, _clock):
        await subscribe(
            domain, KABUL_CHAT, tz="Asia/Kabul", places=("badakhshan",), empty_note=empty_note
        )
        await add_event(
            domain,
            "Fighting at Spin Boldak",
            day=date(2021, 7, 9),
            place="spin-boldak",
            at=utc(2021, 7, 9, 1, 0),
        )
        report = await domain.briefings.tick(KABUL_DUE[9])
        again = await domain.briefings.tick(KABUL_DUE[9] + timedelta(minutes=1))
        rows = await outbox_rows(domain)
        [edition] = await editions(domain)
        sub = await domain.subscriptions.get(KABUL_CHAT)
    assert report.due == 1 and again.due == 0
    assert sub is not None and sub.next_due_at == KABUL_DUE[10]  # the schedule moves on
    if empty_note:
        [row] = rows
        assert "No new events were stored" in row.text and "Spin Boldak" not in row.text
        assert edition.kind == "empty" and edition.parts == 1
        parse_html(row.text)
    else:
        assert rows == [] and report.skipped_empty == 1
        assert edition.parts == 0


async def test_key_figures_block(sqlite_db_url: str) -> None:
    async with domain_at(sqlite_db_url, utc(2021, 7, 9, 0, 0)) as (domain, clock):
        async with domain.sessions.begin() as session:
            session.add_all(
                [
                    KeyFigureRow(
                        text="1,000+ Afghan soldiers crossed into Tajikistan",
                        as_of=date(2021, 7, 5),
                        source="Tajik border guards",
                        active=True,
                        created_at=clock.now(),
                    ),
                    KeyFigureRow(
                        text="Islam Qala handles 30% of trade with Iran",
                        as_of=date(2021, 7, 9),
                        source="",
                        active=True,
                        created_at=clock.now(),
                    ),
                    KeyFigureRow(
                        text="Withdrawn figure",
                        as_of=date(2021, 7, 1),
                        source="x",
                        active=False,
                        created_at=clock.now(),
                    ),
                ]
            )
        await subscribe(domain, KABUL_CHAT, tz="Asia/Kabul")
        await subscribe(domain, KABUL_CHAT + 1, tz="Asia/Kabul", places=("badakhshan",))
        await add_event(
            domain,
            "The Taliban seized the Islam Qala crossing",
            day=date(2021, 7, 8),
            place="islam-qala",
            at=utc(2021, 7, 9, 1, 0),
        )
        await run_ticks(domain, clock, [KABUL_DUE[9]])
        rows = await outbox_rows(domain)
    assert len(rows) == 2
    for row in rows:  # the daily edition and the empty-day note both carry the figures
        block = row.text.partition("<b>Key figures</b>")[2]
        assert "1,000+ Afghan soldiers crossed into Tajikistan" in block
        assert "as of 5 Jul 2021, Tajik border guards" in block
        assert "as of 9 Jul 2021</i>" in block
        assert block.index("Islam Qala handles") < block.index("1,000+")  # newest first
        assert "Withdrawn figure" not in row.text


BASE = 10_000


async def test_one_render_per_distinct_audience(db_url: str) -> None:
    filters: list[tuple[str, ...]] = [(), ("herat",), ("kandahar",)]
    async with domain_at(db_url, utc(2021, 7, 9, 0, 0), tz="Asia/Kabul") as (domain, clock):
        for i in range(200):
            await domain.subscriptions.subscribe(BASE + i, places=filters[i % 3])
        for summary, place, kind in FILTER_EVENTS:
            await add_event(
                domain,
                summary,
                day=date(2021, 7, 9),
                place=place,
                event_type=kind,
                at=utc(2021, 7, 9, 1, 0),
            )
        [(_, new)] = await run_ticks(domain, clock, [KABUL_DUE[9]])
        stored = await editions(domain)
        again = await domain.briefings.tick(KABUL_DUE[9])
    assert len(stored) == 3
    assert len(new) == 200 and len({r.chat_id for r in new}) == 200
    by_edition: dict[int | None, set[int]] = {}
    for r in new:
        by_edition.setdefault(r.edition_id, set()).add((r.chat_id - BASE) % 3)
    assert sorted(by_edition.values(), key=min) == [{0}, {1}, {2}]
    herat = next(r.text for r in new if (r.chat_id - BASE) % 3 == 1)
    assert "Islam Qala" in herat and "Spin Boldak" not in herat
    assert again.due == 0

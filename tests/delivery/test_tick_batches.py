"""The tick at scale: batches of subscribers, one render per audience per tick, set-based outbox
inserts and guarded advances (one statement per batch, not per subscriber), on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update

from bot.bootstrap import Services
from bot.domain.editions import compose as briefing
from bot.store.models.delivery import OutboxRow, SubscriptionRow
from tests.support.delivery import add_event, domain_at, editions, outbox_rows, subscribe, utc

pytestmark = pytest.mark.slow

BASE = 20_000
DUE = utc(2021, 7, 9, 2, 30)  # 07:00 in Kabul
NEXT = utc(2021, 7, 10, 2, 30)
FILTERS: list[tuple[str, ...]] = [(), ("herat",), ("kandahar",)]
EVENTS = [
    ("The Taliban seized the Islam Qala crossing", "islam-qala"),
    ("Fighting at Spin Boldak", "spin-boldak"),
    ("Shopkeepers protest in Kunduz", "kunduz"),
]


async def _audiences(
    domain: Services, count: int, *, start: int = 0, day: date = date(2021, 7, 9)
) -> None:
    """Kabul subscribers `start`..`count`-1 at 07:00 over three filter sets, and an event for
    each set reported on `day` (before 07:00 Kabul)."""
    for i in range(start, count):
        await subscribe(domain, BASE + i, tz="Asia/Kabul", places=FILTERS[i % 3])
    at = datetime.combine(day, time(1, 0), UTC)
    for summary, place in EVENTS:
        await add_event(domain, f"{summary} ({day:%d %b})", day=day, place=place, at=at)


@pytest.mark.parametrize("batch", [1, 7, 5000])
async def test_batches_render_each_audience_once(
    db_url: str, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(briefing, "TICK_BATCH", batch)
    async with domain_at(db_url, utc(2021, 7, 9, 0, 0)) as (domain, _clock):
        await _audiences(domain, 20)
        report = await domain.briefings.tick(DUE)
        again = await domain.briefings.tick(DUE + timedelta(minutes=1))
        rows = await outbox_rows(domain)
        stored = await editions(domain)
        herat = await domain.briefings.preview(
            domain.briefings.first_edition_audience(
                day=date(2021, 7, 9), timezone="Asia/Kabul", minute=7 * 60, places=("herat",)
            )
        )
        subs = [await domain.subscriptions.get(BASE + i) for i in range(20)]
    assert (report.due, report.enqueued, report.skipped_missed) == (20, 20, 0)
    assert report.editions_rendered == 3 and len(report.audiences) == 3 and len(stored) == 3
    assert (again.due, again.enqueued) == (0, 0)
    assert sorted(r.chat_id for r in rows) == [BASE + i for i in range(20)]
    assert all(s is not None and (s.next_due_at, s.last_window_end) == (NEXT, DUE) for s in subs)
    texts = {(r.chat_id - BASE) % 3: r.text for r in rows}
    assert all(summary in texts[0] for summary, _ in EVENTS)
    assert "Islam Qala" in texts[1] and "Spin Boldak" not in texts[1]
    assert "Spin Boldak" in texts[2] and "Islam Qala" not in texts[2]
    assert herat == [texts[1]]  # a preview and the tick filter alike


async def test_outbox_rows_carry_chat_settings(db_url: str) -> None:
    group, private = -1_001_234_567_890, 987_654_321
    async with domain_at(db_url, utc(2021, 7, 9, 0, 0)) as (domain, _clock):
        await subscribe(domain, group, tz="Asia/Kabul", chat_type="supergroup")
        await subscribe(domain, private, tz="Asia/Kabul")
        async with domain.sessions.begin() as session:
            await session.execute(
                update(SubscriptionRow).where(SubscriptionRow.chat_id == group).values(thread_id=77)
            )
        now = DUE + timedelta(seconds=30)
        await domain.briefings.tick(now)
        async with domain.sessions() as session:
            rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.chat_id))).all()
    got = [
        (r.chat_id, r.chat_type, r.thread_id, r.dedupe_key, r.kind, r.part_no, r.state, r.attempts)
        for r in rows
    ]
    assert got == [
        (group, "supergroup", 77, f"daily:{group}:20210709T0230:0", "edition", 0, "queued", 0),
        (private, "private", None, f"daily:{private}:20210709T0230:0", "edition", 0, "queued", 0),
    ]
    assert all((r.not_before, r.created_at) == (DUE, now) for r in rows)
    assert rows[0].edition_id == rows[1].edition_id is not None


# (chat, zone, local minute, due, delivered?) — subscribed 7 July 12:00 UTC, tick 8 July 02:45
MIXED = [
    (1, "Asia/Kabul", 7 * 60, utc(2021, 7, 8, 2, 30), True),
    (2, "Europe/Berlin", 4 * 60, utc(2021, 7, 8, 2, 0), True),
    (3, "UTC", 20 * 60, utc(2021, 7, 7, 20, 0), False),  # 6 h 45 late: beyond grace
]


async def test_mixed_due_instants_in_one_tick(db_url: str) -> None:
    now = utc(2021, 7, 8, 2, 45)
    async with domain_at(db_url, utc(2021, 7, 7, 12, 0)) as (domain, _clock):
        for chat, zone, minute, _, _ in MIXED:
            await subscribe(domain, chat, tz=zone, minute=minute)
        report = await domain.briefings.tick(now)
        rows = await outbox_rows(domain)
        subs = {chat: await domain.subscriptions.get(chat) for chat, *_ in MIXED}
    assert (report.due, report.enqueued, report.skipped_missed) == (2, 2, 1)
    assert {r.chat_id: r.not_before for r in rows} == {c: d for c, _, _, d, ok in MIXED if ok}
    expected: dict[int, tuple[datetime, datetime]] = {
        1: (utc(2021, 7, 9, 2, 30), utc(2021, 7, 8, 2, 30)),
        2: (utc(2021, 7, 9, 2, 0), utc(2021, 7, 8, 2, 0)),
        # missed: the next 20:00 after the grace period; the window keeps its start
        3: (utc(2021, 7, 8, 20, 0), utc(2021, 7, 6, 20, 0)),
    }
    for chat, (next_due, window_end) in expected.items():
        sub = subs[chat]
        assert sub is not None and (sub.next_due_at, sub.last_window_end) == (next_due, window_end)


async def test_enqueued_counts_only_new_rows(db_url: str) -> None:
    """A slot that comes round again (a schedule reset) adds no rows, and is not counted."""
    async with domain_at(db_url, utc(2021, 7, 9, 0, 0)) as (domain, _clock):
        await _audiences(domain, 3)
        first = await domain.briefings.tick(DUE)
        async with domain.sessions.begin() as session:
            await session.execute(update(SubscriptionRow).values(next_due_at=DUE))
        await subscribe(domain, BASE + 3, tz="Asia/Kabul")  # next due: tomorrow
        async with domain.sessions.begin() as session:
            await session.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.chat_id == BASE + 3)
                .values(next_due_at=DUE)
            )
        second = await domain.briefings.tick(DUE + timedelta(minutes=5))
        rows = await outbox_rows(domain)
    assert (first.due, first.enqueued) == (3, 3)
    assert (second.due, second.enqueued) == (4, 1)
    assert len(rows) == 4 and len({r.dedupe_key for r in rows}) == 4


async def _statements(domain: Services, at: datetime) -> tuple[int, int]:
    """(SQL statements, each executemany parameter set counted; rows enqueued) for one tick."""
    count = 0

    def seen(_c: Any, _cur: Any, _sql: str, params: Any, _ctx: Any, many: bool) -> None:
        nonlocal count
        count += len(params) if many else 1

    event.listen(domain.engine.sync_engine, "before_cursor_execute", seen)
    try:
        report = await domain.briefings.tick(at)
    finally:
        event.remove(domain.engine.sync_engine, "before_cursor_execute", seen)
    return count, report.enqueued


async def test_statements_do_not_grow_with_subscribers(db_url: str) -> None:
    """6 subscribers on 9 July, 60 on 10 July, three audiences each day: the same statements."""
    async with domain_at(db_url, utc(2021, 7, 9, 0, 0)) as (domain, clock):
        await _audiences(domain, 6)
        few = await _statements(domain, DUE)
        clock.advance(timedelta(hours=3))
        await _audiences(domain, 60, start=6, day=date(2021, 7, 10))
        many = await _statements(domain, NEXT)
    assert few[1] == 6 and many[1] == 60
    assert many[0] == few[0]

"""Group commit of the sender's marks: `Outbox.record` marks many rows sending/sent in one
transaction (guarded: a cancelled row is not marked), and `MarkBatcher` lets concurrent callers
share commits, retrying a failed `sent` record rather than losing it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.delivery.marks import MarkBatcher
from bot.delivery.outbox import Outbox
from bot.domain.messages import NewMessage
from bot.store.models.delivery import OutboxRow
from tests.support.delivery import domain_at, outbox_rows

pytestmark = pytest.mark.slow

NOW = datetime(2021, 7, 9, 6, 0, tzinfo=UTC)


def push(n: int, batch: str = "push:1") -> NewMessage:
    """Push number n to its own chat."""
    return NewMessage(kind="push", dedupe_key=f"m:{n}", chat_id=9000 + n, text=f"#{n}", batch=batch)


async def claimed_ids(outbox: Outbox, count: int) -> list[int]:
    """Enqueue `count` pushes and claim them all."""
    await outbox.enqueue([push(n) for n in range(count)])
    return [m.id for m in await outbox.claim("test:1", count)]


@pytest.mark.parametrize("cancel_first", [False, True])
async def test_record_marks_claimed_rows_sending_and_sent_ones_sent(
    db_url: str, cancel_first: bool
) -> None:
    async with domain_at(db_url, NOW) as (domain, _):
        outbox = domain.outbox
        ids = await claimed_ids(outbox, 4)
        if cancel_first:
            await outbox.cancel_batch("push:1")  # claimed rows are cancelled too
            assert await outbox.record(ids, []) == set()
            assert {r.state for r in await outbox_rows(domain)} == {"cancelled"}
            return
        assert await outbox.record(ids[:3], []) == set(ids[:3])
        assert await outbox.record(ids[:3], []) == set()  # no longer claimed: not again
        assert await outbox.record([ids[3]], [(ids[0], 70), (ids[1], 71)]) == {ids[3]}
        rows = await outbox_rows(domain)
        async with domain.sessions() as session:
            found = await session.execute(
                select(OutboxRow.id, OutboxRow.message_id).order_by(OutboxRow.id)
            )
            message_ids = dict(found.all())
    assert [r.state for r in rows] == ["sent", "sent", "sending", "sending"]
    assert [message_ids[i] for i in ids] == [70, 71, None, None]


async def test_record_ignores_a_sent_mark_for_a_row_not_sending(db_url: str) -> None:
    async with domain_at(db_url, NOW) as (domain, _):
        ids = await claimed_ids(domain.outbox, 1)
        await domain.outbox.record([], [(ids[0], 5)])  # only claimed: not on the wire
        rows = await outbox_rows(domain)
    assert [r.state for r in rows] == ["claimed"]


@pytest.mark.parametrize("callers", [1, 10, 120])
async def test_concurrent_marks_share_commits(db_url: str, callers: int) -> None:
    async with domain_at(db_url, NOW) as (domain, _):
        ids = await claimed_ids(domain.outbox, callers)
        marks = MarkBatcher(domain.outbox)
        got = await asyncio.gather(*(marks.sending(i) for i in ids))
        assert got == [True] * callers
        sending_commits = marks.commits
        await asyncio.gather(*(marks.sent(i, 1000 + i) for i in ids))
        rows = await outbox_rows(domain)
    assert [r.state for r in rows] == ["sent"] * callers
    # callers that arrive together share a transaction: one, or two when the first call
    # started a commit before the others arrived
    assert sending_commits <= 2
    assert marks.commits - sending_commits <= 2


async def test_batcher_reports_a_cancelled_row(db_url: str) -> None:
    async with domain_at(db_url, NOW) as (domain, _):
        await domain.outbox.enqueue([push(0, "keep"), push(1, "drop")])
        ids = [m.id for m in await domain.outbox.claim("test:1", 2)]
        await domain.outbox.cancel_batch("drop")
        marks = MarkBatcher(domain.outbox)
        assert await asyncio.gather(*(marks.sending(i) for i in ids)) == [True, False]


class FailingOutbox(Outbox):
    """The real outbox whose `record` raises the first `failures` times."""

    def __init__(self, outbox: Outbox, failures: int) -> None:
        super().__init__(outbox._sessions, outbox._clock)
        self.failures = failures
        self.calls = 0

    async def record(
        self, sending: Sequence[int], sent: Sequence[tuple[int, int]], **kw: Any
    ) -> set[int]:
        """Fail, then record."""
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("database went away")
        return await super().record(sending, sent, **kw)


@pytest.mark.parametrize(
    ("failures", "attempts", "recorded"),
    [(0, 3, True), (2, 3, True), (3, 3, False), (1, 1, False)],
)
async def test_a_failed_sent_record_is_retried(
    sqlite_db_url: str, failures: int, attempts: int, recorded: bool
) -> None:
    async with domain_at(sqlite_db_url, NOW) as (domain, _):
        ids = await claimed_ids(domain.outbox, 1)
        assert await domain.outbox.record(ids, []) == set(ids)
        failing = FailingOutbox(domain.outbox, failures)
        marks = MarkBatcher(failing, attempts=attempts, retry_delay=0.01)
        if recorded:
            await marks.sent(ids[0], 42)
        else:
            with pytest.raises(ConnectionError):
                await marks.sent(ids[0], 42)
        rows = await outbox_rows(domain)
    assert failing.calls == min(failures + 1, attempts)
    assert [r.state for r in rows] == ["sent" if recorded else "sending"]


async def test_a_failed_sending_mark_is_not_retried(sqlite_db_url: str) -> None:
    async with domain_at(sqlite_db_url, NOW) as (domain, _):
        ids = await claimed_ids(domain.outbox, 1)
        failing = FailingOutbox(domain.outbox, 1)
        marks = MarkBatcher(failing)
        with pytest.raises(ConnectionError):
            await marks.sending(ids[0])
        rows = await outbox_rows(domain)
    assert failing.calls == 1
    assert [r.state for r in rows] == ["claimed"]  # never reached the wire


async def test_outbox_writers_in_one_process_queue_instead_of_meeting_sqlites_lock(
    sqlite_db_url: str,
) -> None:
    """Claims and mark commits running at once never find SQLite's write lock taken by each
    other: with no busy timeout at all, none fails with "database is locked"."""
    from sqlalchemy import event

    async with domain_at(sqlite_db_url, NOW) as (domain, _):
        ids = await claimed_ids(domain.outbox, 60)
        await domain.outbox.enqueue([push(n) for n in range(100, 160)])

        @event.listens_for(domain.engine.sync_engine, "checkout")
        def _no_waiting(dbapi_conn: object, _record: object, _proxy: object) -> None:
            cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.close()

        results = await asyncio.gather(
            *(domain.outbox.record([i], []) for i in ids[:30]),
            *(domain.outbox.record([], [(i, 500 + i)]) for i in ids[30:]),
            *(domain.outbox.claim("test:2", 2) for _ in range(30)),
            return_exceptions=True,
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == []
        claimed = [m for r in results[60:] for m in r]  # type: ignore[union-attr]
        rows = await outbox_rows(domain)
    assert len(claimed) == 60
    states = sorted(r.state for r in rows)
    assert states.count("sending") == 30
    # the other 30 stay claimed (a sent mark for a row not sending is ignored), plus 60 new
    assert states.count("claimed") == 90

"""The webhook inbox on SQLite and PostgreSQL: accept once, done, take over what a dead instance
left (after its lease, or at once by the same name), give up a poison update, purge."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import FixedClock
from bot.store.inbox import KEEP_DONE, LEASE, MAX_ATTEMPTS, UpdateInbox
from bot.store.models.state import InboxRow
from bot.store.session import create_sessionmaker

NOW = datetime(2021, 7, 10, 4, 30, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def body(update_id: int) -> dict[str, object]:
    """A Telegram update as JSON."""
    return {"update_id": update_id, "message": {"message_id": 1, "text": f"#{update_id} é"}}


@pytest.fixture
def clock() -> FixedClock:
    """The clock both instances read."""
    return FixedClock(NOW)


@pytest.fixture
def inboxes(engines: list[AsyncEngine], clock: FixedClock) -> list[UpdateInbox]:
    """Instance a (first engine) and instance b (second engine)."""
    return [
        UpdateInbox(create_sessionmaker(engine), clock, name)
        for engine, name in zip(engines, ("host-a:1", "host-b:1"), strict=True)
    ]


async def rows(inbox: UpdateInbox) -> dict[int, tuple[str, int, bool, str | None]]:
    """update_id -> (claimed_by, attempts, done, error)."""
    async with inbox._sessions() as session:
        found = await session.execute(
            select(
                InboxRow.update_id,
                InboxRow.claimed_by,
                InboxRow.attempts,
                InboxRow.done_at,
                InboxRow.error,
            )
        )
        return {u: (c, a, d is not None, e) for u, c, a, d, e in found.all()}


async def test_an_update_is_accepted_once(inboxes: list[UpdateInbox]) -> None:
    a, b = inboxes
    assert await a.accept(10, body(10)) is True
    assert await a.accept(10, body(10)) is False  # Telegram sent it again
    assert await b.accept(10, body(10)) is False  # ... to the other instance
    assert await a.pending() == 1
    await a.done(10)
    await a.done(10)  # twice is harmless
    await a.done(99)  # not in the inbox: nothing happens
    assert await a.pending() == 0
    assert await b.accept(10, body(10)) is False  # done, still known: not processed again
    assert await rows(a) == {10: ("host-a:1", 1, True, None)}


async def test_concurrent_redeliveries_store_one(inboxes: list[UpdateInbox]) -> None:
    a, b = inboxes
    accepted = await asyncio.gather(*(x.accept(7, body(7)) for x in (a, b, a, b)))
    assert sorted(accepted) == [False, False, False, True]


async def test_a_dead_instances_updates_are_taken_after_its_lease(
    inboxes: list[UpdateInbox], clock: FixedClock
) -> None:
    a, b = inboxes
    for update_id in (3, 1, 2):
        await a.accept(update_id, body(update_id))
    await a.done(2)
    assert await b.reclaim() == []  # a's lease still runs: a may be processing them
    clock.advance(LEASE - SECOND)
    assert await b.reclaim() == []
    clock.advance(2 * SECOND)
    taken = await b.reclaim()
    assert [(t.update_id, t.body) for t in taken] == [(1, body(1)), (3, body(3))]  # oldest first
    assert await a.reclaim() == []  # b holds them now
    assert (await rows(a))[1] == ("host-b:1", 2, False, None)
    assert (await rows(a))[2] == ("host-a:1", 1, True, None)


async def test_the_same_name_takes_its_own_at_once(
    inboxes: list[UpdateInbox], engines: list[AsyncEngine], clock: FixedClock
) -> None:
    a, b = inboxes
    await a.accept(5, body(5))
    await b.accept(6, body(6))
    restarted = UpdateInbox(create_sessionmaker(engines[1]), clock, "host-a:1")
    assert [t.update_id for t in await restarted.reclaim(mine=True)] == [5]  # not b's 6
    assert await restarted.reclaim() == []


async def test_a_poison_update_is_given_up(inboxes: list[UpdateInbox], clock: FixedClock) -> None:
    a, b = inboxes
    await a.accept(8, body(8))
    for _ in range(MAX_ATTEMPTS - 1):  # each taker dies before processing it
        clock.advance(LEASE + SECOND)
        assert [t.update_id for t in await b.reclaim()] == [8]
    clock.advance(LEASE + SECOND)
    assert await b.reclaim() == []
    claimed_by, attempts, done, error = (await rows(a))[8]
    assert claimed_by == "host-b:1"
    assert (attempts, done) == (MAX_ATTEMPTS, True)
    assert error == f"given up after {MAX_ATTEMPTS} attempts"
    assert await a.pending() == 0


async def test_purge_deletes_only_old_done_updates(
    inboxes: list[UpdateInbox], clock: FixedClock
) -> None:
    a, _ = inboxes
    await a.accept(1, body(1))
    await a.accept(2, body(2))
    await a.done(1)
    clock.advance(KEEP_DONE + SECOND)
    await a.accept(3, body(3))
    await a.done(3)
    assert await a.purge() == 1
    assert sorted(await rows(a)) == [2, 3]  # 2 is not done: kept however old

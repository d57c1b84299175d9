"""Running senders and their heartbeats: each sender registers an incarnation (the id its claimed
outbox rows carry) under its INSTANCE_NAME and keeps a heartbeat in `sender_instances`.

- A sender started under a name takes back, at once, the rows earlier incarnations of that name
  left claimed or in flight (a restart after kill -9 need not wait for anything).
- Any sender sweeps, every heartbeat, incarnations silent for longer than `dead_after`: their
  rows go back to the queue for every sender, their registration is deleted.
- A sender whose registration is gone (swept while it stalled) registers again under a new id:
  its old claims fail the outbox's holder guards, so it never sends a row another one took.

Rows only claimed were never sent. Rows in flight (`sending`) may have reached Telegram: they are
sent again (at most one per concurrency slot of the dead sender), and their `sent_at` is set to
the moment they were requeued, so the next sender paces the chat as if they had been sent then.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.outbox import HELD, Outbox
from bot.domain.delivery_states import OutboxState
from bot.store.models.delivery import OutboxRow, SenderInstanceRow

log = logging.getLogger(__name__)

ORPHAN_AGE = timedelta(minutes=5)  # rows held by an id no sender registered (older versions)


def new_incarnation(name: str) -> str:
    """A fresh id for a sender named `name` (≤ 64 characters: name, pid and a random tag)."""
    return f"{name[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


async def _requeue(session: AsyncSession, outbox: Outbox, cond: ColumnElement[bool]) -> int:
    """Put held rows matching `cond` back in the queue; in-flight ones stamped `sent_at`."""
    now = outbox.clock.now()
    claimed = await session.execute(
        update(OutboxRow)
        .where(cond, OutboxRow.state == OutboxState.CLAIMED)
        .values(state=OutboxState.QUEUED, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    in_flight = await session.execute(
        update(OutboxRow)
        .where(cond, OutboxRow.state == OutboxState.SENDING)
        .values(state=OutboxState.QUEUED, claimed_by=None, sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(claimed.rowcount or 0) + int(in_flight.rowcount or 0)  # type: ignore[attr-defined]


class SenderRegistry:
    """Registration, heartbeats and the sweep of dead senders (one short transaction each)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def register(self, name: str, *, take_over: bool) -> tuple[str, int]:
        """Register a new incarnation of `name`; with `take_over` (a start), earlier ones of
        the same name are dropped and their rows requeued. Returns (id, rows taken back)."""
        me = new_incarnation(name)
        now = self.outbox.clock.now()
        taken = 0
        async with self.outbox.writing() as session:
            if take_over:
                earlier = list(
                    (
                        await session.scalars(
                            select(SenderInstanceRow.id).where(SenderInstanceRow.name == name)
                        )
                    ).all()
                )
                if earlier:
                    taken = await _requeue(session, self.outbox, OutboxRow.claimed_by.in_(earlier))
                    await session.execute(
                        delete(SenderInstanceRow).where(SenderInstanceRow.id.in_(earlier))
                    )
            session.add(SenderInstanceRow(id=me, name=name, started_at=now, heartbeat_at=now))
        if taken:
            log.warning("sender %s took back %d outbox rows of its previous run", name, taken)
        return me, taken

    async def heartbeat(self, incarnation: str) -> bool:
        """Note that `incarnation` is alive; False when it is no longer registered (swept)."""
        async with self.outbox.writing() as session:
            result = await session.execute(
                update(SenderInstanceRow)
                .where(SenderInstanceRow.id == incarnation)
                .values(heartbeat_at=self.outbox.clock.now())
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def sweep(self, dead_after: timedelta, *, orphan_age: timedelta = ORPHAN_AGE) -> int:
        """Requeue the rows of senders silent for longer than `dead_after` and forget them;
        also rows held over `orphan_age` by an id nobody registered. Returns rows requeued."""
        now = self.outbox.clock.now()
        async with self.outbox.writing() as session:
            dead = list(
                (
                    await session.scalars(
                        select(SenderInstanceRow.id).where(
                            SenderInstanceRow.heartbeat_at < now - dead_after
                        )
                    )
                ).all()
            )
            count = 0
            if dead:
                count += await _requeue(session, self.outbox, OutboxRow.claimed_by.in_(dead))
                await session.execute(
                    delete(SenderInstanceRow).where(SenderInstanceRow.id.in_(dead))
                )
            registered = select(SenderInstanceRow.id)
            orphans = (
                OutboxRow.state.in_(HELD)
                & OutboxRow.claimed_at.is_not(None)
                & (OutboxRow.claimed_at < now - orphan_age)
                & (OutboxRow.claimed_by.is_(None) | OutboxRow.claimed_by.not_in(registered))
            )
            count += await _requeue(session, self.outbox, orphans)
        if count:
            log.warning("requeued %d outbox rows of %d stopped senders", count, len(dead))
        return count

    async def leave(self, incarnation: str) -> None:
        """Unregister (a clean stop, after its claimed rows were released)."""
        async with self.outbox.writing() as session:
            await session.execute(
                delete(SenderInstanceRow).where(SenderInstanceRow.id == incarnation)
            )

    async def names(self) -> Sequence[tuple[str, str]]:
        """(id, name) of every registered sender."""
        async with self.outbox.writing() as session:
            rows = await session.execute(select(SenderInstanceRow.id, SenderInstanceRow.name))
            return [(str(i), str(n)) for i, n in rows.all()]

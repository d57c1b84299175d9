"""The update inbox: every update is stored before Telegram is told it arrived (the webhook's
200, or the next getUpdates offset), so a crash loses none.

Telegram sends an update again only until it is acknowledged. Acknowledging it once it sat in a
process's memory lost it when that process died before handling it. Now:

- `accept` stores the update, keyed by its update_id, under a lease held by this instance;
  an update already stored (Telegram sent it again) is not accepted twice;
- `done` marks it processed; `renew` (every sweep) keeps the lease of what a live instance still
  holds, however long its queue;
- `reclaim` takes the updates whose lease ran out without being done (their instance died) or
  that this very instance name left behind (a restart), for any instance to process again;
  after MAX_ATTEMPTS an update is given up, marked done with an error and set aside as a dead
  letter (`dead_letters`, bot.store.deadletters), so one update that kills its process cannot
  kill every restart;
- `purge` deletes done updates after a day (Telegram stops sending an update again long before).

Processing is at least once: an update whose instance died after replying but before `done`
is processed again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    InternalError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.store.deadletters import DeadLetters, dead_letter_values, insert_dead_letter
from bot.store.models.state import InboxRow
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)

# The database or its schema is away (a lock, a lost connection, a missing table): the inbox is
# down, whatever the update. Classified by the error itself, never by probing afterwards, which
# races with the outage ending.
OUTAGES = (
    OperationalError,
    InterfaceError,
    InternalError,
    ProgrammingError,
    DisconnectionError,
    PoolTimeout,
)

LEASE = timedelta(seconds=60)  # an update not done this long after its claim is taken again
KEEP_DONE = timedelta(days=1)
MAX_ATTEMPTS = 3
RECLAIM_LIMIT = 500


@dataclass(frozen=True, slots=True)
class InboxUpdate:
    """A stored update: its id and the JSON Telegram sent."""

    update_id: int
    body: dict[str, Any]


class UpdateInbox:
    """Stores updates until handled; each call is one transaction."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, instance: str
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.instance = instance[:64]
        self.dead_letters = DeadLetters(sessions, clock)

    async def accept(self, update_id: int, body: dict[str, Any]) -> bool:
        """Store an update under this instance's lease; False if it was stored before.

        Raises ``ValueError`` when the inbox works but cannot take this update (its body or id),
        anything else when the inbox cannot be reached."""
        try:
            return await self._insert(update_id, body)
        except OUTAGES:
            raise
        except SQLAlchemyError as exc:
            if not await self._answers():
                raise
            cause = getattr(exc, "orig", None) or exc
            first = (str(cause).splitlines() or [""])[0][:200]
            raise ValueError(f"refused by the inbox: {type(cause).__name__}: {first}") from exc

    async def _answers(self) -> bool:
        """Whether the inbox table can be read at all."""
        try:
            async with self._sessions() as session:
                await session.execute(select(InboxRow.update_id).limit(1))
        except Exception:
            return False
        return True

    async def _insert(self, update_id: int, body: dict[str, Any]) -> bool:
        now = self._clock.now()
        async with self._sessions.begin() as session:
            stmt = (
                insert_for(session, InboxRow)
                .values(
                    update_id=update_id,
                    body=body,
                    received_at=now,
                    claimed_by=self.instance,
                    claimed_at=now,
                    attempts=1,
                )
                .on_conflict_do_nothing(index_elements=["update_id"])
                .returning(InboxRow.update_id)
            )
            return (await session.execute(stmt)).first() is not None

    async def renew(self) -> int:
        """Renew this instance's lease on every update it holds and has not finished (queued or
        being handled), so that no other instance, and no sweep of its own, takes one while it
        lives; how many."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(InboxRow)
                .where(InboxRow.claimed_by == self.instance, InboxRow.done_at.is_(None))
                .values(claimed_at=self._clock.now())
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def started(self, update_id: int) -> None:
        """Count an attempt at handling an update taken with ``reclaim(charge=False)``, and
        renew its lease."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.update_id == update_id, InboxRow.done_at.is_(None))
                .values(attempts=InboxRow.attempts + 1, claimed_at=self._clock.now())
            )

    async def done(self, update_id: int) -> None:
        """Mark an update processed (nothing happens for one not in the inbox)."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(InboxRow)
                .where(InboxRow.update_id == update_id, InboxRow.done_at.is_(None))
                .values(done_at=self._clock.now())
            )

    async def reclaim(self, *, mine: bool = False, charge: bool = True) -> list[InboxUpdate]:
        """Claim the updates to process again, oldest first: those whose lease ran out and,
        with `mine`, those left by an earlier process of this instance's name.

        With `charge`, each counts an attempt now; without, the caller counts one with `started`
        when it begins handling it, so an update queued behind one that kills the process is not
        given up with it."""
        now = self._clock.now()
        stale = InboxRow.claimed_at < now - LEASE
        due = or_(stale, InboxRow.claimed_by == self.instance) if mine else stale
        async with self._sessions.begin() as session:
            rows = (
                await session.execute(
                    select(InboxRow.update_id, InboxRow.body, InboxRow.attempts)
                    .where(InboxRow.done_at.is_(None), due)
                    .order_by(InboxRow.update_id)
                    .limit(RECLAIM_LIMIT)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            poison = [r for r in rows if r.attempts >= MAX_ATTEMPTS]
            again = [r for r in rows if r.attempts < MAX_ATTEMPTS]
            if poison:
                await self._give_up(session, poison, now)
            if again:
                await session.execute(
                    update(InboxRow)
                    .where(InboxRow.update_id.in_([r.update_id for r in again]))
                    .values(
                        claimed_by=self.instance,
                        claimed_at=now,
                        attempts=InboxRow.attempts + (1 if charge else 0),
                    )
                )
        if again:
            log.warning("handling %d updates again (their instance stopped)", len(again))
        return [InboxUpdate(r.update_id, dict(r.body)) for r in again]

    async def _give_up(self, session: AsyncSession, rows: list[Any], now: datetime) -> None:
        """Mark `rows` done with an error and set each aside as a dead letter."""
        reason = f"given up after {MAX_ATTEMPTS} attempts"
        ids = [r.update_id for r in rows]
        log.warning("updates %s %s: set aside as dead letters", ids, reason)
        await session.execute(
            update(InboxRow).where(InboxRow.update_id.in_(ids)).values(done_at=now, error=reason)
        )
        for row in rows:
            body = json.dumps(row.body, ensure_ascii=False)
            await insert_dead_letter(
                session, dead_letter_values(now, row.update_id, "inbox", reason, body)
            )

    async def purge(self) -> int:
        """Delete updates done more than KEEP_DONE ago; how many."""
        cutoff = self._clock.now() - KEEP_DONE
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(InboxRow).where(InboxRow.done_at.is_not(None), InboxRow.done_at < cutoff)
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def pending(self) -> int:
        """Updates stored and not yet done."""
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(InboxRow).where(InboxRow.done_at.is_(None))
            )
        return int(count or 0)

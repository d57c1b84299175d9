"""The outbox: every message to a chat is a row before anything is sent; rows are claimed,
sent once, and end sent (with Telegram's message_id), failed (with the reason) or cancelled.

A chat's rows are held by one sender at a time (a claim skips chats another sender holds rows
of), so per-chat limits are kept in one place; what was sent to a chat lately is read back from
`sent_at` (`recent_sends`), so pacing survives restarts and hand-overs between instances."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, exists, func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.delivery.history import read_recent
from bot.delivery.inserts import insert_messages
from bot.domain.clock import Clock
from bot.domain.delivery_states import OutboxState
from bot.domain.messages import NewMessage
from bot.store.models.delivery import EditionPartRow, OutboxRow
from bot.store.session import sqlite_engine

log = logging.getLogger(__name__)

MARK_CHUNK = 500  # ids per `IN (...)` when marking rows sending
HELD = (OutboxState.CLAIMED, OutboxState.SENDING)
# PostgreSQL: claims take this transaction-scoped advisory lock, one at a time, so a claim sees
# every chat the others hold (SKIP LOCKED alone lets two claims split one chat's rows).
CLAIM_LOCK = text("SELECT pg_advisory_xact_lock(7301170017)")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed row with its text, ready to send."""

    id: int
    kind: str
    chat_id: int
    chat_type: str
    thread_id: int | None
    text: str
    reply_to_message_id: int | None
    attempts: int
    batch: str | None
    # when others last sent to this chat (asked for in `claim`), oldest first
    recent: tuple[datetime, ...] = ()
    edition_id: int | None = None  # a picture's edition and number (kind "photo")
    part_no: int = 0


class Outbox:
    """Enqueue, claim and settle outbox rows; each call is one short transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        # SQLite lets one transaction write at a time, and a writer that finds the lock taken
        # sleeps in growing steps (up to 100 ms) before it looks again. The sender's claims and
        # its mark commits would take turns that way, so a claim could wait 0.4 s behind a
        # stream of marks and leave the wire idle. In one process they queue here instead, in
        # order, and never meet the lock taken by each other.
        sqlite = sqlite_engine(sessions) is not None
        self._gate: asyncio.Lock | None = asyncio.Lock() if sqlite else None

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[AsyncSession]:
        """A write transaction (on SQLite, after this process's earlier outbox writes)."""
        if self._gate is None:
            async with self._sessions.begin() as session:
                yield session
            return
        async with self._gate, self._sessions.begin() as session:
            yield session

    def writing(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A write transaction in turn with this process's other outbox writes."""
        return self._writing()

    @property
    def clock(self) -> Clock:
        """The clock claims and marks are stamped with."""
        return self._clock

    async def enqueue(self, messages: Sequence[NewMessage]) -> int:
        """Insert messages; ones whose dedupe key exists already are skipped. Returns new rows."""
        if not messages:
            return 0
        async with self._writing() as session:
            return await insert_messages(session, messages, self._clock.now())

    async def claim(
        self, instance: str, limit: int, *, recent_since: datetime | None = None
    ) -> list[Outgoing]:
        """Claim up to `limit` ready rows for this instance, oldest first; with `recent_since`,
        each carries the sends to its chat by other senders since then (`Outgoing.recent`).

        PostgreSQL: FOR UPDATE SKIP LOCKED, so instances never claim the same row. SQLite: the
        statement runs inside BEGIN IMMEDIATE, which serialises writers.
        """
        now = self._clock.now()
        other = aliased(OutboxRow)
        held_elsewhere = exists().where(
            other.chat_id == OutboxRow.chat_id,
            other.state.in_(HELD),
            other.claimed_by != instance,
        )
        ready = (
            select(OutboxRow.id)
            .where(
                OutboxRow.state == OutboxState.QUEUED,
                OutboxRow.not_before <= now,
                ~held_elsewhere,
            )
            .order_by(OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(OutboxRow)
            .where(OutboxRow.state == OutboxState.QUEUED)
            .values(state=OutboxState.CLAIMED, claimed_at=now, claimed_by=instance)
            .returning(
                OutboxRow.id,
                OutboxRow.kind,
                OutboxRow.chat_id,
                OutboxRow.chat_type,
                OutboxRow.thread_id,
                OutboxRow.text,
                OutboxRow.edition_id,
                OutboxRow.part_no,
                OutboxRow.reply_to_message_id,
                OutboxRow.attempts,
                OutboxRow.batch,
            )
            .execution_options(synchronize_session=False)
        )
        async with self._writing() as session:
            if self._gate is None:
                await session.execute(CLAIM_LOCK)
            # Lock the ids first, then update them: as `id IN (subquery)`, PostgreSQL may rescan
            # the LIMIT … SKIP LOCKED subquery per row (nested loop) and claim far past `limit`.
            ids = list((await session.scalars(ready)).all())
            rows = (await session.execute(stmt.where(OutboxRow.id.in_(ids)))).all() if ids else []
            parts = {(r.edition_id, r.part_no) for r in rows if r.edition_id is not None}
            texts: dict[tuple[int, int], str] = {}
            if parts:
                found = await session.execute(
                    select(
                        EditionPartRow.edition_id, EditionPartRow.part_no, EditionPartRow.text
                    ).where(tuple_(EditionPartRow.edition_id, EditionPartRow.part_no).in_(parts))
                )
                texts = {(e, p): t for e, p, t in found.all()}
            recent: dict[int, list[datetime]] = {}
            if recent_since is not None and rows:
                chats = {r.chat_id for r in rows}
                recent = await read_recent(session, chats, recent_since, instance)
        out = []
        for r in sorted(rows, key=lambda r: r.id):
            text = texts.get((r.edition_id, r.part_no)) if r.edition_id is not None else r.text
            out.append(
                Outgoing(
                    id=r.id,
                    kind=r.kind,
                    chat_id=r.chat_id,
                    chat_type=r.chat_type,
                    thread_id=r.thread_id,
                    text=text or "",
                    reply_to_message_id=r.reply_to_message_id,
                    attempts=r.attempts,
                    batch=r.batch,
                    recent=tuple(recent.get(r.chat_id, ())),
                    edition_id=r.edition_id,
                    part_no=r.part_no,
                )
            )
        return out

    async def _set(
        self, row_id: int, expect: Iterable[str], holder: str | None = None, **values: Any
    ) -> bool:
        cond = [OutboxRow.id == row_id, OutboxRow.state.in_(list(expect))]
        if holder is not None:  # only while the row is still this sender's
            cond.append(OutboxRow.claimed_by == holder)
        async with self._writing() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(*cond)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_sending(self, row_id: int) -> bool:
        """The row is about to go on the wire (False: it was cancelled meanwhile)."""
        return await self._set(row_id, [OutboxState.CLAIMED], state=OutboxState.SENDING)

    async def mark_sent(self, row_id: int, message_id: int) -> None:
        """Telegram accepted the message."""
        await self._set(
            row_id,
            [OutboxState.SENDING],
            state=OutboxState.SENT,
            message_id=message_id,
            sent_at=self._clock.now(),
            error=None,
        )

    async def record(
        self,
        sending: Sequence[int],
        sent: Sequence[tuple[int, int]],
        *,
        instance: str | None = None,
    ) -> set[int]:
        """One transaction for many marks: rows about to go on the wire (`sending`, guarded: only
        rows still claimed, by `instance` when given) and rows Telegram accepted (`sent`: row id,
        message_id). Returns the ids now marked sending (a row cancelled meanwhile, or taken
        from a sender taken for dead, is left out: do not send it)."""
        table = cast(Table, OutboxRow.__table__)
        marked: set[int] = set()
        async with self._writing() as session:
            if sent:
                await session.execute(
                    update(table)
                    .where(table.c.id == bindparam("b_id"), table.c.state == OutboxState.SENDING)
                    .values(
                        state=OutboxState.SENT,
                        message_id=bindparam("b_message_id"),
                        sent_at=self._clock.now(),
                        error=None,
                    ),
                    [{"b_id": row, "b_message_id": mid} for row, mid in sent],
                )
            ids = list(sending)
            for start in range(0, len(ids), MARK_CHUNK):
                result = await session.execute(
                    update(table)
                    .where(
                        table.c.id.in_(ids[start : start + MARK_CHUNK]),
                        table.c.state == OutboxState.CLAIMED,
                        *([table.c.claimed_by == instance] if instance is not None else []),
                    )
                    .values(state=OutboxState.SENDING)
                    .returning(table.c.id)
                )
                marked.update(int(i) for i in result.scalars())
        return marked

    async def retry(
        self,
        row_id: int,
        after: timedelta,
        error: str,
        *,
        count: bool = True,
        instance: str | None = None,
    ) -> None:
        """Back to the queue, not before `after` from now (if still `instance`'s, when given)."""
        values: dict[str, Any] = {
            "state": OutboxState.QUEUED,
            "not_before": self._clock.now() + after,
            "error": error[:500],
            "claimed_by": None,
        }
        if count:
            values["attempts"] = OutboxRow.attempts + 1
        await self._set(row_id, HELD, instance, **values)

    async def release(self, row_ids: Sequence[int], *, instance: str | None = None) -> None:
        """Give claimed rows back unsent (shutdown before they were sent)."""
        if not row_ids:
            return
        cond = [OutboxRow.id.in_(list(row_ids)), OutboxRow.state == OutboxState.CLAIMED]
        if instance is not None:
            cond.append(OutboxRow.claimed_by == instance)
        async with self._writing() as session:
            await session.execute(
                update(OutboxRow)
                .where(*cond)
                .values(state=OutboxState.QUEUED, claimed_by=None)
                .execution_options(synchronize_session=False)
            )

    async def fail(self, row_id: int, error: str, *, instance: str | None = None) -> None:
        """Give up on a row, keeping the reason (if still `instance`'s, when given)."""
        await self._set(
            row_id,
            HELD,
            instance,
            state=OutboxState.FAILED,
            error=error[:500],
        )

    async def fail_chat(self, chat_id: int, error: str) -> int:
        """Fail every queued or claimed row to a chat that is gone (blocked, kicked, deleted)."""
        async with self._writing() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.chat_id == chat_id,
                    OutboxRow.state.in_([OutboxState.QUEUED, OutboxState.CLAIMED]),
                )
                .values(state=OutboxState.FAILED, error=error[:500])
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def cancel_batch(self, batch: str) -> int:
        """Cancel the queued rows of a push or alert; sent ones stay sent."""
        async with self._writing() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.batch == batch,
                    OutboxRow.state.in_([OutboxState.QUEUED, OutboxState.CLAIMED]),
                )
                .values(state=OutboxState.CANCELLED, error="cancelled")
                .execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def recover(self, *, older_than: timedelta, instance: str | None = None) -> int:
        """Requeue rows a dead sender left claimed or in flight.

        Rows only claimed were never sent; rows marked sending may or may not have reached
        Telegram: those (at most the dead sender's concurrency) may be sent twice.
        """
        cutoff = self._clock.now() - older_than
        cond: list[ColumnElement[bool]] = [
            OutboxRow.state.in_([OutboxState.CLAIMED, OutboxState.SENDING])
        ]
        if instance is not None:
            cond.append(OutboxRow.claimed_by == instance)
        else:
            cond.append(OutboxRow.claimed_at < cutoff)
        async with self._writing() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(*cond)
                .values(state=OutboxState.QUEUED, claimed_by=None)
                .execution_options(synchronize_session=False)
            )
            count = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            log.warning("requeued %d outbox rows left by a stopped sender", count)
        return count

    async def recent_sends(
        self, chat_ids: Iterable[int] | None, since: datetime, *, instance: str | None = None
    ) -> dict[int, list[datetime]]:
        """When each chat (None: every chat) was sent to from `since` on, oldest first, by any
        sender but `instance` (see `bot.delivery.history`)."""
        async with self._sessions() as session:
            return await read_recent(session, chat_ids, since, instance)

    async def counts(self, batch: str | None = None) -> dict[str, int]:
        """Rows per state (optionally of one batch)."""
        stmt = select(OutboxRow.state, func.count(OutboxRow.id)).group_by(OutboxRow.state)
        if batch is not None:
            stmt = stmt.where(OutboxRow.batch == batch)
        async with self._sessions() as session:
            return {str(s): int(n) for s, n in (await session.execute(stmt)).all()}

    async def next_ready_at(self) -> datetime | None:
        """When the earliest queued row becomes ready."""
        async with self._sessions() as session:
            return await session.scalar(
                select(func.min(OutboxRow.not_before)).where(OutboxRow.state == OutboxState.QUEUED)
            )

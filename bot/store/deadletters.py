"""Dead letters: updates set aside because they could not be parsed, stored or handled.

A dead letter keeps the body as it arrived (bytes decoded as UTF-8 with anything undecodable, a
lone surrogate or a NUL written as a backslash escape, so any body fits a text column on both
backends), cut to MAX_BODY_CHARS, with its original size, where it came from and why. An update
id is kept once (Telegram sends a refused update again); rows older than KEEP, and beyond the
newest MAX_ROWS, are purged so that a flood cannot fill the disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.store.models.deadletters import DeadLetterRow
from bot.store.upsert import insert_for

MAX_BODY_CHARS = 16 * 1024
MAX_REASON = 200
KEEP = timedelta(days=14)
MAX_ROWS = 10_000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One update set aside."""

    update_id: int | None
    received_at: datetime
    source: str
    reason: str
    size: int
    body: str
    id: int = 0


def _letter(row: DeadLetterRow) -> DeadLetter:
    return DeadLetter(
        row.update_id, row.received_at, row.source, row.reason, row.size, row.body, row.id
    )


def printable(raw: bytes | str, limit: int) -> tuple[str, int]:
    """`raw` as storable text of at most `limit` characters, and its size in bytes."""
    data = raw.encode("utf-8", "backslashreplace") if isinstance(raw, str) else raw
    size = len(data)
    text = data[: limit * 4].decode("utf-8", "backslashreplace").replace("\x00", "\\x00")
    return text[:limit], size


def storable_id(update_id: object) -> int | None:
    """The update id when it is one a BIGINT holds, else None."""
    if type(update_id) is int and INT64_MIN <= update_id <= INT64_MAX:
        return update_id
    return None


def dead_letter_values(
    now: datetime, update_id: object, source: str, reason: str, body: bytes | str
) -> dict[str, Any]:
    """The column values of a dead letter (every value cut and cleaned to fit)."""
    text, size = printable(body, MAX_BODY_CHARS)
    return {
        "update_id": storable_id(update_id),
        "received_at": now,
        "source": source[:16],
        "reason": printable(reason, MAX_REASON)[0],
        "size": min(size, 2**31 - 1),
        "body": text,
    }


async def insert_dead_letter(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert a dead letter in `session`'s transaction; False when its update id is kept."""
    stmt = (
        insert_for(session, DeadLetterRow)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(DeadLetterRow.id)
    )
    return (await session.execute(stmt)).first() is not None


class DeadLetters:
    """The dead-letter table; each call is one transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def record(self, update_id: object, source: str, reason: str, body: bytes | str) -> bool:
        """Set an update aside; False when one with its update id was set aside before."""
        values = dead_letter_values(self._clock.now(), update_id, source, reason, body)
        async with self._sessions.begin() as session:
            return await insert_dead_letter(session, values)

    async def count(self, since: datetime | None = None) -> int:
        """Dead letters kept (received since `since`, when given)."""
        query = select(func.count()).select_from(DeadLetterRow)
        if since is not None:
            query = query.where(DeadLetterRow.received_at >= since)
        async with self._sessions() as session:
            return int(await session.scalar(query) or 0)

    async def recent(self, limit: int = 20) -> list[DeadLetter]:
        """The newest dead letters, newest first."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(DeadLetterRow)
                    .order_by(DeadLetterRow.received_at.desc(), DeadLetterRow.id.desc())
                    .limit(limit)
                )
            ).scalars()
            return [_letter(r) for r in rows]

    async def get(self, letter_id: int) -> DeadLetter | None:
        """One dead letter by its id (None: no such one)."""
        async with self._sessions() as session:
            row = await session.get(DeadLetterRow, letter_id)
            return _letter(row) if row is not None else None

    async def purge(self) -> int:
        """Delete dead letters older than KEEP and beyond the newest MAX_ROWS; how many."""
        cutoff = self._clock.now() - KEEP
        async with self._sessions.begin() as session:
            old = await session.execute(
                delete(DeadLetterRow).where(DeadLetterRow.received_at < cutoff)
            )
            floor = await session.scalar(
                select(DeadLetterRow.id)
                .order_by(DeadLetterRow.id.desc())
                .offset(MAX_ROWS - 1)
                .limit(1)
            )
            removed = int(getattr(old, "rowcount", 0) or 0)
            if floor is not None:
                extra = await session.execute(delete(DeadLetterRow).where(DeadLetterRow.id < floor))
                removed += int(getattr(extra, "rowcount", 0) or 0)
        return removed

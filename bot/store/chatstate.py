"""Conversation state shared by every instance: open forms, answer pages, follow-up questions.

State lives in the `chat_state` table, not in a process, so any instance behind the load balancer
can continue any conversation, and a restart loses nothing. Each row belongs to a chat and a user
in it (user 0: the whole chat), holds a JSON object and expires; expired rows are invisible and
`purge` deletes them. Every call is its own unit of work and returns plain data.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.store.models.state import CHAT_WIDE, ChatStateRow
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)

MAX_KEY = 64
TOKEN_BYTES = 4  # 8 hex digits, as in "more:1a2b3c4d"


@dataclass(frozen=True, slots=True)
class StateEntry:
    """A stored value with its times; `expired` entries are kept only until the next purge."""

    value: dict[str, Any]
    updated_at: datetime
    expires_at: datetime
    expired: bool


def _user(user_id: int | None) -> int:
    return CHAT_WIDE if user_id is None else user_id


def _check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY:
        raise ValueError(f"state key must be 1–{MAX_KEY} characters: {key!r}")
    return key


class ChatStateStore:
    """Reads and writes per-chat conversation state; each call is one transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def _where(self, chat_id: int, user_id: int | None, key: str) -> Any:
        return and_(
            ChatStateRow.chat_id == chat_id,
            ChatStateRow.user_id == _user(user_id),
            ChatStateRow.key == _check_key(key),
        )

    async def entry(self, chat_id: int, user_id: int | None, key: str) -> StateEntry | None:
        """The stored entry, expired or not (None when there is no row)."""
        stmt = select(ChatStateRow.value, ChatStateRow.updated_at, ChatStateRow.expires_at).where(
            self._where(chat_id, user_id, key)
        )
        async with self._sessions() as session:
            row = (await session.execute(stmt)).first()
        if row is None:
            return None
        value, updated_at, expires_at = row
        return StateEntry(
            value=dict(value),
            updated_at=updated_at,
            expires_at=expires_at,
            expired=expires_at <= self._clock.now(),
        )

    async def get(self, chat_id: int, user_id: int | None, key: str) -> dict[str, Any] | None:
        """The stored value, or None when there is none or it has expired."""
        found = await self.entry(chat_id, user_id, key)
        return None if found is None or found.expired else found.value

    async def put(
        self, chat_id: int, user_id: int | None, key: str, value: dict[str, Any], ttl: timedelta
    ) -> None:
        """Store (insert or replace) a value that expires after `ttl`; safe under races."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            await self._upsert(session, chat_id, user_id, key, value, now, now + ttl)

    async def _upsert(
        self,
        session: AsyncSession,
        chat_id: int,
        user_id: int | None,
        key: str,
        value: dict[str, Any],
        now: datetime,
        expires_at: datetime,
    ) -> None:
        stmt = insert_for(session, ChatStateRow).values(
            chat_id=chat_id,
            user_id=_user(user_id),
            key=_check_key(key),
            value=value,
            updated_at=now,
            expires_at=expires_at,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["chat_id", "user_id", "key"],
            set_={
                "value": stmt.excluded.value,
                "updated_at": stmt.excluded.updated_at,
                "expires_at": stmt.excluded.expires_at,
            },
        )
        await session.execute(stmt)

    async def take(self, chat_id: int, user_id: int | None, key: str) -> dict[str, Any] | None:
        """Delete the entry and return its value (None if absent or expired).

        Atomic (DELETE … RETURNING): of two instances taking the same entry, one gets it.
        """
        stmt = (
            delete(ChatStateRow)
            .where(self._where(chat_id, user_id, key))
            .returning(ChatStateRow.value, ChatStateRow.expires_at)
        )
        async with self._sessions.begin() as session:
            row = (await session.execute(stmt)).first()
        if row is None or row.expires_at <= self._clock.now():
            return None
        return dict(row.value)

    async def delete(self, chat_id: int, user_id: int | None, key: str) -> bool:
        """Delete one entry; True when there was one (expired or not)."""
        stmt = delete(ChatStateRow).where(self._where(chat_id, user_id, key))
        async with self._sessions.begin() as session:
            result = await session.execute(stmt.execution_options(synchronize_session=False))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def add_token(
        self,
        chat_id: int,
        user_id: int | None,
        prefix: str,
        value: dict[str, Any],
        ttl: timedelta,
        *,
        keep: int,
    ) -> str:
        """Store a value under a fresh "prefix:token" key; return the token.

        Only the `keep` newest entries with that prefix stay (per chat and user).
        """
        token = secrets.token_hex(TOKEN_BYTES)
        start = f"{prefix}:"
        now = self._clock.now()
        uid = _user(user_id)
        same = and_(
            ChatStateRow.chat_id == chat_id,
            ChatStateRow.user_id == uid,
            ChatStateRow.key.startswith(start, autoescape=True),
        )
        newest = (
            select(ChatStateRow.key)
            .where(same)
            .order_by(ChatStateRow.updated_at.desc(), ChatStateRow.key.desc())
            .limit(max(1, keep))
        )
        async with self._sessions.begin() as session:
            await self._upsert(session, chat_id, uid, start + token, value, now, now + ttl)
            await session.execute(
                delete(ChatStateRow)
                .where(same, ChatStateRow.key.not_in(newest))
                .execution_options(synchronize_session=False)
            )
        return token

    async def forget(self, chat_id: int, user_id: int | None = None) -> int:
        """Delete a chat's state and, when `user_id` is given, that user's state in any chat."""
        where = [ChatStateRow.chat_id == chat_id]
        if user_id is not None:
            where.append(ChatStateRow.user_id == user_id)
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ChatStateRow).where(or_(*where)).execution_options(synchronize_session=False)
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def purge(self) -> int:
        """Delete every expired entry; return how many were deleted."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(ChatStateRow)
                .where(ChatStateRow.expires_at <= self._clock.now())
                .execution_options(synchronize_session=False)
            )
        deleted = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if deleted:
            log.info("chat state: deleted %d expired entries", deleted)
        return deleted

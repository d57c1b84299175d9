"""Chats and users the bot has seen, and who is an admin."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.domain.people.seen import SeenChat, SeenUser
from bot.store.models.people import Admin, Chat, User
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)

SEEN_REFRESH = timedelta(minutes=30)


class PeopleStore:
    """Records chats and users seen, and answers who is an admin."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, owner_ids: frozenset[int]
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.owner_ids = owner_ids
        self._recent: dict[tuple[str, int], datetime] = {}

    def _due(self, kind: str, ident: int, now: datetime) -> bool:
        last = self._recent.get((kind, ident))
        return last is None or now - last >= SEEN_REFRESH

    async def record_seen(self, chat: SeenChat | None, user: SeenUser | None) -> None:
        """Upsert the chat and user of an update (at most once per half hour per id)."""
        now = self._clock.now()
        todo_chat = chat if chat is not None and self._due("chat", chat.id, now) else None
        todo_user = user if user is not None and self._due("user", user.id, now) else None
        if todo_chat is None and todo_user is None:
            return
        async with self._sessions.begin() as session:
            if todo_user is not None:
                await self._upsert_user(session, todo_user, now)
            if todo_chat is not None:
                await self._upsert_chat(session, todo_chat, now)
        if todo_chat is not None:
            self._recent[("chat", todo_chat.id)] = now
        if todo_user is not None:
            self._recent[("user", todo_user.id)] = now

    async def _upsert_user(self, session: AsyncSession, user: SeenUser, now: datetime) -> None:
        stmt = insert_for(session, User).values(
            id=user.id,
            first_name=user.first_name[:255],
            username=user.username,
            language_code=user.language_code,
            first_seen=now,
            last_seen=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[User.id],
            set_={
                "first_name": stmt.excluded.first_name,
                "username": stmt.excluded.username,
                "language_code": stmt.excluded.language_code,
                "last_seen": stmt.excluded.last_seen,
            },
        )
        await session.execute(stmt)

    async def _upsert_chat(self, session: AsyncSession, chat: SeenChat, now: datetime) -> None:
        stmt = insert_for(session, Chat).values(
            id=chat.id,
            type=chat.type,
            title=(chat.title or None) and chat.title[:255],
            username=chat.username,
            is_forum=chat.is_forum,
            active=True,
            first_seen=now,
            last_seen=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[Chat.id],
            set_={
                "type": stmt.excluded.type,
                "title": stmt.excluded.title,
                "username": stmt.excluded.username,
                "is_forum": stmt.excluded.is_forum,
                "last_seen": stmt.excluded.last_seen,
            },
        )
        await session.execute(stmt)

    def forget_seen(self, chat_id: int, user_id: int | None) -> None:
        """Forget that a chat/user was recorded recently (after /forget deleted their rows)."""
        self._recent.pop(("chat", chat_id), None)
        if user_id is not None:
            self._recent.pop(("user", user_id), None)

    async def is_admin(self, user_id: int | None) -> bool:
        """Whether the user is an owner (ADMIN_IDS) or an admin added in chat."""
        if user_id is None:
            return False
        if user_id in self.owner_ids:
            return True
        async with self._sessions() as session:
            found = await session.scalar(select(Admin.user_id).where(Admin.user_id == user_id))
        return found is not None

    async def admin_ids(self) -> frozenset[int]:
        """Owners and added admins."""
        async with self._sessions() as session:
            rows = (await session.scalars(select(Admin.user_id))).all()
        return self.owner_ids | frozenset(rows)

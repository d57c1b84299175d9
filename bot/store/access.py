"""Who may use the bot (ACCESS=allowlist), who is an admin, and forgetting a user or chat.

`/forget` deletes what Sitrep holds about a person or chat: the users and chats rows, the
subscription, every outbox row addressed to the chat (sent ones too: they hold the chat id and
the text, and anonymised rows could still be resolved to the chat by corrections), and the
question logs. It keeps the allowlist entry and any admin role (admin decisions), the audit log
(admin actions) and events and sources (not personal data).
"""

from __future__ import annotations

import logging

from sqlalchemy import Delete, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.domain.people.access import AdminEntry, AllowEntry, ForgetReport, kind_of
from bot.store.models.delivery import OutboxRow, SubscriptionRow
from bot.store.models.newsroom import AllowRow, QuestionLogRow
from bot.store.models.people import Admin, Chat, User

log = logging.getLogger(__name__)

MAX_NOTE = 160


class AccessStore:
    """The allowlist and the admin roster."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        owner_ids: frozenset[int],
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.owner_ids = owner_ids

    def is_owner(self, user_id: int | None) -> bool:
        """Whether the user is named in ADMIN_IDS."""
        return user_id is not None and user_id in self.owner_ids

    async def is_allowed(self, user_id: int | None, chat_id: int | None) -> bool:
        """Owners, admins, allowed users, and anyone in an allowed chat."""
        if self.is_owner(user_id):
            return True
        ids = [i for i in {user_id, chat_id} if i is not None]
        if not ids:
            return False
        async with self._sessions() as session:
            allowed = await session.scalar(select(AllowRow.id).where(AllowRow.id.in_(ids)).limit(1))
            if allowed is not None:
                return True
            if user_id is None:
                return False
            admin = await session.scalar(select(Admin.user_id).where(Admin.user_id == user_id))
        return admin is not None

    async def allow(self, ident: int, note: str = "", by: int | None = None) -> bool:
        """Allow a user or chat (the note is replaced if already allowed); True when new."""
        note = note.strip()[:MAX_NOTE]
        async with self._sessions.begin() as session:
            row = await session.get(AllowRow, ident)
            if row is not None:
                row.note = note or row.note
                return False
            session.add(
                AllowRow(
                    id=ident,
                    kind=kind_of(ident),
                    note=note,
                    added_by=by,
                    added_at=self._clock.now(),
                )
            )
        return True

    async def deny(self, ident: int) -> bool:
        """Remove a user or chat from the allowlist; False when it was not on it."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(AllowRow)
                .where(AllowRow.id == ident)
                .execution_options(synchronize_session=False)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def allowed(self) -> list[AllowEntry]:
        """The allowlist, users first, oldest first."""
        async with self._sessions() as session:
            rows = (await session.scalars(select(AllowRow))).all()
        rows = sorted(rows, key=lambda r: (r.kind != "user", r.added_at, r.id))
        return [AllowEntry(r.id, r.kind, r.note, r.added_by, r.added_at) for r in rows]

    async def admins(self) -> list[AdminEntry]:
        """Owners (ADMIN_IDS) then added admins, with names when the bot has seen them."""
        async with self._sessions() as session:
            added = (await session.scalars(select(Admin).order_by(Admin.added_at))).all()
            ids = self.owner_ids | {a.user_id for a in added}
            users = (await session.execute(select(User).where(User.id.in_(ids)))).scalars().all()
        names = {u.id: f"@{u.username}" if u.username else u.first_name for u in users}
        out = [AdminEntry(i, "owner", names.get(i, ""), None, None) for i in sorted(self.owner_ids)]
        out += [
            AdminEntry(a.user_id, "admin", names.get(a.user_id, ""), a.added_by, a.added_at)
            for a in added
            if a.user_id not in self.owner_ids
        ]
        return out

    async def add_admin(self, user_id: int, by: int | None) -> bool:
        """Make a user an admin; False when they already are one (or an owner)."""
        if self.is_owner(user_id):
            return False
        async with self._sessions.begin() as session:
            if await session.get(Admin, user_id) is not None:
                return False
            # admins.added_by references users: keep it only when the adder's row exists.
            adder = await session.get(User, by) if by is not None else None
            session.add(
                Admin(
                    user_id=user_id,
                    role="admin",
                    added_by=adder.id if adder is not None else None,
                    added_at=self._clock.now(),
                )
            )
        return True

    async def remove_admin(self, user_id: int) -> bool:
        """Take the admin role away; False when they had none (owners are not rows)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(Admin)
                .where(Admin.user_id == user_id)
                .execution_options(synchronize_session=False)
            )
        return bool(result.rowcount)  # type: ignore[attr-defined]


class PrivacyStore:
    """Deletes what the store holds about a user (private chat) or a chat (group, channel)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def forget(self, chat_id: int, user_id: int | None = None) -> ForgetReport:
        """Forget a chat and, when `user_id` is given (private chats), that user too."""
        async with self._sessions.begin() as session:
            questions_where = [QuestionLogRow.chat_id == chat_id]
            if user_id is not None:
                questions_where.append(QuestionLogRow.user_id == user_id)
            questions = await _delete(session, delete(QuestionLogRow).where(or_(*questions_where)))
            messages = await _delete(session, delete(OutboxRow).where(OutboxRow.chat_id == chat_id))
            subscription = await _delete(
                session, delete(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id)
            )
            chat_row = await _delete(session, delete(Chat).where(Chat.id == chat_id))
            user_row = 0
            admin = False
            if user_id is not None:
                # Other chats' subscriptions and admin rows may name this user: unlink them.
                await session.execute(
                    update(SubscriptionRow)
                    .where(SubscriptionRow.created_by == user_id)
                    .values(created_by=None)
                    .execution_options(synchronize_session=False)
                )
                await session.execute(
                    update(Admin)
                    .where(Admin.added_by == user_id)
                    .values(added_by=None)
                    .execution_options(synchronize_session=False)
                )
                admin = await session.get(Admin, user_id) is not None
                user_row = await _delete(session, delete(User).where(User.id == user_id))
            ids = [i for i in {chat_id, user_id} if i is not None]
            allowlisted = bool(
                await session.scalar(
                    select(func.count()).select_from(AllowRow).where(AllowRow.id.in_(ids))
                )
            )
        report = ForgetReport(
            user_row=bool(user_row),
            chat_row=bool(chat_row),
            subscription=bool(subscription),
            messages=messages,
            questions=questions,
            allowlisted=allowlisted,
            admin=admin,
        )
        # No ids in the log: the point is to forget them.
        log.info("forgot a %s: %d messages, %d questions", kind_of(chat_id), messages, questions)
        return report


async def _delete(session: AsyncSession, stmt: Delete) -> int:
    result = await session.execute(stmt.execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

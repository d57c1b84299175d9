"""Pushes' storage: previews with their editions, audiences, confirmation, cancelling and
settling, and the sent messages that carried an event (implements PushRepository)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.delivery_states import OutboxKind, OutboxState, PushStatus
from bot.domain.editions.model import (
    Confirmed,
    NewEdition,
    NewPush,
    PushView,
    Recipient,
    SentCopy,
    Subscriber,
)
from bot.store.editions import store_edition
from bot.store.models.delivery import EditionPartRow, OutboxRow, SubscriptionRow
from bot.store.models.newsroom import EditionEventRow, PushRow
from bot.store.models.people import Chat

CORRECTED_KINDS = (OutboxKind.EDITION, OutboxKind.PUSH, OutboxKind.FLASH)


class PushStore:
    """Pushes in their table, with the chats and subscriptions they go to."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, edition: NewEdition, push: NewPush) -> int:
        """Store an edition and a preview push of it; the push's id."""
        async with self._sessions.begin() as session:
            stored = await store_edition(session, edition)
            row = PushRow(
                kind=push.kind,
                status=PushStatus.PREVIEW.value,
                edition_id=stored.id,
                audience=push.audience,
                event_id=push.event_id,
                created_by=push.created_by,
                created_at=push.created_at,
                admin_chat_id=push.admin_chat_id,
            )
            session.add(row)
            await session.flush()
            return row.id

    async def get(self, push_id: int) -> PushView | None:
        """A push with its parts (recipients: the total stored at confirmation)."""
        async with self._sessions() as session:
            row = await session.get(PushRow, push_id)
            if row is None:
                return None
            parts = (
                await session.scalars(
                    select(EditionPartRow.text)
                    .where(EditionPartRow.edition_id == row.edition_id)
                    .order_by(EditionPartRow.part_no)
                )
            ).all()
            return PushView(
                id=row.id,
                kind=row.kind,
                status=row.status,
                audience=row.audience,
                created_by=row.created_by,
                parts=tuple(parts),
                recipients=row.total,
                event_id=row.event_id,
            )

    async def latest_id(self, admin_id: int, statuses: Sequence[str]) -> int | None:
        """The admin's newest push in one of these states."""
        async with self._sessions() as session:
            return await session.scalar(
                select(PushRow.id)
                .where(PushRow.created_by == admin_id, PushRow.status.in_(list(statuses)))
                .order_by(PushRow.id.desc())
                .limit(1)
            )

    async def chat_known(self, chat_id: int) -> bool:
        """Whether the chat has talked to the bot."""
        async with self._sessions() as session:
            return await session.get(Chat, chat_id) is not None

    async def set_audience(self, push_id: int, audience: str, *, by: int) -> bool:
        """Change the audience of `by`'s preview; False when it is not one any more."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(PushRow)
                .where(
                    PushRow.id == push_id,
                    PushRow.created_by == by,
                    PushRow.status == PushStatus.PREVIEW,
                )
                .values(audience=audience)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def chat_recipient(self, chat_id: int) -> Recipient | None:
        """An active chat as a recipient (its subscription's thread), else None."""
        async with self._sessions() as session:
            chat = await session.get(Chat, chat_id)
            if chat is None or not chat.active:
                return None
            sub = await session.scalar(
                select(SubscriptionRow).where(SubscriptionRow.chat_id == chat.id)
            )
            return Recipient(chat.id, chat.type, sub.thread_id if sub else None)

    async def subscribers(self) -> list[Subscriber]:
        """Active subscriptions with their chat's type, by chat id."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(SubscriptionRow, Chat.type)
                    .join(Chat, Chat.id == SubscriptionRow.chat_id)
                    .where(SubscriptionRow.status == "active")
                    .order_by(SubscriptionRow.chat_id)
                )
            ).all()
        return [
            Subscriber(
                chat_id=sub.chat_id,
                chat_type=chat_type,
                thread_id=sub.thread_id,
                places=tuple(p for p in sub.places.split("\n") if p),
                flash_alerts=sub.flash_alerts,
                timezone=sub.timezone,
                quiet_start=sub.quiet_start,
                quiet_end=sub.quiet_end,
            )
            for sub, chat_type in rows
        ]

    async def confirm(
        self, push_id: int, *, by: int, now: datetime, total: int
    ) -> Confirmed | None:
        """Mark `by`'s preview sending; None when it was not a preview of theirs."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(PushRow)
                .where(
                    PushRow.id == push_id,
                    PushRow.status == PushStatus.PREVIEW,
                    PushRow.created_by == by,
                )
                .values(status=PushStatus.SENDING, confirmed_by=by, confirmed_at=now, total=total)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                return None
            row = await session.get(PushRow, push_id)
            return Confirmed(row.edition_id)  # type: ignore[union-attr]

    async def cancel(self, push_id: int, *, by: int) -> str | None:
        """Cancel an unfinished push of `by`'s; its status before (None: not theirs)."""
        async with self._sessions.begin() as session:
            row = await session.get(PushRow, push_id)
            if row is None or (row.created_by != by and row.confirmed_by != by):
                return None
            before = row.status
            if before not in (PushStatus.DONE, PushStatus.CANCELLED):
                row.status = PushStatus.CANCELLED.value
            return before

    async def settle(self, push_id: int, *, remaining: int) -> str:
        """Mark a sending push done when nothing remains; its status ("missing" if none)."""
        async with self._sessions.begin() as session:
            row = await session.get(PushRow, push_id)
            if row is None:
                return "missing"
            if row.status == PushStatus.SENDING and remaining == 0:
                row.status = PushStatus.DONE.value
            return row.status

    async def set_progress_message(self, push_id: int, message_id: int) -> None:
        """Remember the admin's progress message."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(PushRow).where(PushRow.id == push_id).values(progress_message_id=message_id)
            )

    async def sent_copies(self, event_id: int) -> list[SentCopy]:
        """Sent editions, pushes and alerts that carried the event, oldest first."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(
                        OutboxRow.chat_id,
                        OutboxRow.chat_type,
                        OutboxRow.thread_id,
                        OutboxRow.message_id,
                    )
                    .join(
                        EditionEventRow,
                        (EditionEventRow.edition_id == OutboxRow.edition_id)
                        & (EditionEventRow.part_no == OutboxRow.part_no),
                    )
                    .where(
                        EditionEventRow.event_id == event_id,
                        OutboxRow.state == OutboxState.SENT,
                        OutboxRow.kind.in_(list(CORRECTED_KINDS)),
                    )
                    .order_by(OutboxRow.id)
                )
            ).all()
        return [SentCopy(*row) for row in rows]

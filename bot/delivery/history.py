"""What was sent to chats lately, as the outbox records it: `sent_at` of sent rows, and of rows
a dead sender left in flight, the moment they were requeued (they may have reached Telegram).
A sender paces a chat it takes over, or the global rate after a restart, from it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.delivery_states import OutboxState
from bot.store.models.delivery import OutboxRow


async def read_recent(
    session: AsyncSession,
    chat_ids: Iterable[int] | None,
    since: datetime,
    instance: str | None = None,
) -> dict[int, list[datetime]]:
    """Sends to each chat (None: every chat) from `since` on, oldest first, by any sender but
    `instance` (its own sends it knows), and rows taken back in flight whoever holds them now."""
    cond: list[ColumnElement[bool]] = [OutboxRow.sent_at >= since]
    if chat_ids is not None:
        chats = sorted(set(chat_ids))
        if not chats:
            return {}
        cond.append(OutboxRow.chat_id.in_(chats))
    if instance is not None:
        # its own sends it knows; not a row it took back in flight (`sent_at` set, not yet sent)
        cond.append(
            (OutboxRow.claimed_by != instance)
            | OutboxRow.claimed_by.is_(None)
            | (OutboxRow.state != OutboxState.SENT)
        )
    stmt = select(OutboxRow.chat_id, OutboxRow.sent_at).where(*cond).order_by(OutboxRow.sent_at)
    found: dict[int, list[datetime]] = {}
    for chat, at in (await session.execute(stmt)).all():
        if at is not None:
            found.setdefault(int(chat), []).append(at)
    return found

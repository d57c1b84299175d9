"""Records the chat and user of every update (runs first, in group -1)."""

from __future__ import annotations

from telegram import Update

from bot.domain.people.seen import SeenChat, SeenUser
from bot.telegram.context import SitrepContext


async def record_seen(update: Update, context: SitrepContext) -> None:
    """Upsert the update's chat and sender into the store."""
    chat = update.effective_chat
    user = update.effective_user
    await context.services.people.record_seen(
        SeenChat(
            id=chat.id,
            type=chat.type,
            title=chat.title or chat.full_name,
            username=chat.username,
            is_forum=bool(chat.is_forum),
        )
        if chat is not None
        else None,
        SeenUser(
            id=user.id,
            first_name=user.first_name,
            username=user.username,
            language_code=user.language_code,
        )
        if user is not None and not user.is_bot
        else None,
    )

"""The global error handler: log with traceback, answer politely, never kill the bot."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_template
from bot.telegram.handlers.guards import access_text

log = logging.getLogger(__name__)


async def on_error(update: object, context: SitrepContext) -> None:
    """Log the exception and tell the user something went wrong (if there is a user to tell)."""
    log.error("error while handling update %r", update, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, TelegramError) and update.callback_query is None:
        # Telegram itself refused our reply: another reply would most likely fail the same way.
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(access_text(context, "error_toast"))
            return
        await reply_template(update, context, "error.html")
    except Exception:  # the error handler must never raise
        log.warning("could not tell the user about the error", exc_info=True)

"""Access checks for handlers: admin-only commands refuse everyone else with one clear line."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update

from bot.context import SitrepContext

log = logging.getLogger(__name__)

REFUSAL = "Sorry, that command is for Sitrep admins only."

HandlerFn = TypeVar("HandlerFn", bound=Callable[[Update, SitrepContext], Awaitable[object]])


def admin_only(fn: HandlerFn) -> HandlerFn:
    """Run the handler only for admins; everyone else gets one refusal and nothing changes."""

    @functools.wraps(fn)
    async def wrapper(update: Update, context: SitrepContext) -> object:
        user = update.effective_user
        if await context.services.people.is_admin(user.id if user else None):
            return await fn(update, context)
        log.info("refused %s to non-admin %s", fn.__name__, user.id if user else None)
        if update.callback_query is not None:
            await update.callback_query.answer(REFUSAL, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(REFUSAL)
        return None

    return wrapper  # type: ignore[return-value]

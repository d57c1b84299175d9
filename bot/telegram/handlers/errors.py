"""The global error handler: answer politely, never kill the bot, and log a traceback only for
what is a bug.

- Telegram refusing or failing a call (``TelegramError``: a network error, a timeout, a chat that
  blocked the bot, a flood wait, a message Telegram will not take) is not a bug of this update's
  handling: it is logged as one warning line.
- Anything else is a bug: logged with its traceback, and the update is set aside as a dead letter
  (source "handler") so that an operator can see what input made it fail. The update is marked
  done as usual: a handler that raises is not run again on the same update.
"""

from __future__ import annotations

import json
import logging

from telegram import Update
from telegram.error import TelegramError

from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_template
from bot.telegram.handlers.guards import access_text
from bot.telegram.intake.deadletter import dead_letters_of, one_line, try_set_aside

log = logging.getLogger(__name__)


def _update_id(update: object) -> int | None:
    return update.update_id if isinstance(update, Update) else None


def _body(update: object) -> str:
    """The update as JSON text for its dead letter."""
    if not isinstance(update, Update):
        return repr(update)[:1000]
    try:
        return json.dumps(update.to_dict(), default=str, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return f"(update {update.update_id} cannot be written as JSON)"


async def on_error(update: object, context: SitrepContext) -> None:
    """Log the exception (a traceback only for bugs) and tell the user something went wrong."""
    error = context.error
    if isinstance(error, TelegramError):
        log.warning(
            "Telegram refused a call while handling update %s: %s: %s",
            _update_id(update),
            type(error).__name__,
            one_line(str(error)),
        )
    else:
        log.error("error while handling update %s", _update_id(update), exc_info=error)
        reason = f"handler failed: {type(error).__name__}: {error}"
        store = dead_letters_of(context.bot_data)
        if isinstance(update, Update):
            await try_set_aside(store, update.update_id, "handler", reason, _body(update))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, TelegramError) and update.callback_query is None:
        # Telegram itself refused our reply: another reply would most likely fail the same way.
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(access_text(context, "error_toast"))
            return
        await reply_template(update, context, "error.html")
    except Exception as exc:  # the error handler must never raise
        log.warning("could not tell the user about the error: %s", one_line(repr(exc)))

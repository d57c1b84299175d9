"""/start and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.telegram.commands import ADMIN_COMMANDS, USER_COMMANDS
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_template
from bot.telegram.handlers.guards import access_text


async def start(update: Update, context: SitrepContext) -> None:
    """Say what Sitrep is and suggest three things to try."""
    user = update.effective_user
    await reply_template(update, context, "start.html", first_name=user.first_name if user else "")


async def help_command(update: Update, context: SitrepContext) -> None:
    """List user commands, and admin commands when an admin asks."""
    user = update.effective_user
    is_admin = await context.services.people.is_admin(user.id if user else None)
    await reply_template(
        update,
        context,
        "help.html",
        user_commands=USER_COMMANDS,
        admin_commands=ADMIN_COMMANDS if is_admin else (),
    )


async def unknown_button(update: Update, context: SitrepContext) -> None:
    """A button whose data no handler knows: refuse politely, change nothing."""
    if update.callback_query is not None:
        await update.callback_query.answer(access_text(context, "button_stale"), show_alert=True)


async def unusable_button(update: Update, context: SitrepContext) -> None:
    """Runs before every handler: a press with no data, or on a message outside any chat (an
    inline message; Sitrep sends none), is not one of Sitrep's buttons. PTB would hand a press
    without data to the first button handler whatever its pattern; refuse it here instead."""
    query = update.callback_query
    if query is None or (query.data and update.effective_chat is not None):
        return
    await query.answer(access_text(context, "button_stale"), show_alert=True)
    raise ApplicationHandlerStop

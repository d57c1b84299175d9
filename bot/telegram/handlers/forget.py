"""/forget for everyone: private chats forget their user, groups and channels forget the chat
(only chat admins may ask), after a confirmation button that only the asker may press."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.domain.people.access import ForgetReport
from bot.render.environment import Renderer
from bot.telegram.callbacks.admin import FORGET_PATTERN, ForgetChoice, ForgetPress
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.admin_replies import plain, render_macro
from bot.telegram.handlers.common import reply_macro
from bot.telegram.handlers.subscriptions import ADMIN_STATUSES, may_change
from bot.telegram.keyboards.admin import forget_keyboard

MESSAGES = "admin_messages.html"
FORGET_KEY = "forget_pending"  # chat-wide state: the prompt awaiting its button, who asked
FORGET_TTL_SECONDS = 600
COMMANDS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


def forget_choice(data: str | None) -> str | None:
    """The choice (yes or no) of valid /forget button data; None for anything else."""
    press = ForgetPress.decode(data)
    return press.choice.value if press else None


def forget_result(renderer: Renderer, report: ForgetReport, private: bool, states: int = 0) -> str:
    """What /forget deleted and what it kept, as the message says it."""
    return renderer.render_macro(
        MESSAGES, "forget_result", r=report, private=private, states=states
    )


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def forget_command(update: Update, context: SitrepContext) -> None:
    """/forget: after a confirmation button, delete what Sitrep holds about you or this chat."""
    chat = update.effective_chat
    if chat is None or update.effective_message is None:
        return
    private = chat.type == ChatType.PRIVATE
    if not private and not await may_change(update, context):
        await reply_macro(update, context, MESSAGES, "forget_not_chat_admin")
        return
    keyboard = forget_keyboard(functools.partial(plain, context, MESSAGES))
    sent = await reply_macro(
        update, context, MESSAGES, "forget_prompt", private=private, reply_markup=keyboard
    )
    if sent is not None:
        # A new prompt replaces an older one: only the newest prompt's buttons work.
        pending = {"message_id": sent.message_id, "user_id": _user_id(update)}
        ttl = timedelta(seconds=FORGET_TTL_SECONDS)
        await context.services.chat_state.put(chat.id, None, FORGET_KEY, pending, ttl)


async def _may_confirm(update: Update, context: SitrepContext, pending: dict[str, Any]) -> bool:
    """The person who asked (or, in channels, a channel admin) and still allowed to change."""
    chat = update.effective_chat
    presser = _user_id(update)
    if chat is None or presser is None:
        return False
    if pending.get("user_id") is not None and pending["user_id"] != presser:
        return False
    if chat.type == ChatType.PRIVATE:
        return presser == chat.id
    if chat.type == ChatType.CHANNEL:
        try:
            member = await context.bot.get_chat_member(chat.id, presser)
        except TelegramError:
            return False
        return member.status in ADMIN_STATUSES
    return await may_change(update, context)


async def _pending_for(update: Update, context: SitrepContext) -> dict[str, Any] | None:
    """The pending prompt this press belongs to; None when the press is stale or tampered."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None or ForgetPress.decode(query.data) is None:
        return None
    pending = await context.services.chat_state.get(chat.id, None, FORGET_KEY)
    message_id = query.message.message_id if query.message is not None else None
    if pending is None or message_id is None or pending.get("message_id") != message_id:
        return None
    return dict(pending)


async def _forget_everything(update: Update, context: SitrepContext) -> None:
    """Delete what Sitrep holds about this chat (and, in private, its user); say what went."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    private = chat.type == ChatType.PRIVATE
    user_id = chat.id if private else None
    report = await context.services.privacy.forget(chat.id, user_id)
    states = await context.services.chat_state.forget(chat.id, user_id)
    context.application.drop_chat_data(chat.id)
    if user_id is not None:
        context.application.drop_user_data(user_id)
    # Let the seen-recorder store this chat and user again when they next write.
    context.services.people.forget_seen(chat.id, user_id)
    text = render_macro(
        context, MESSAGES, "forget_result", r=report, private=private, states=states
    )
    await query.edit_message_text(text, parse_mode="HTML")


async def forget_button(update: Update, context: SitrepContext) -> None:
    """fg:yes / fg:no on the /forget prompt; stale, replayed or tampered presses change nothing."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None
    pending = await _pending_for(update, context)
    if pending is None or chat is None:
        await query.answer(plain(context, MESSAGES, "forget_stale"), show_alert=True)
        return
    if not await _may_confirm(update, context, pending):
        await query.answer(plain(context, MESSAGES, "forget_not_yours"), show_alert=True)
        return
    # Taken, not read: of two presses (on any instances) only one goes on.
    taken = await context.services.chat_state.take(chat.id, None, FORGET_KEY)
    if taken is None or taken.get("message_id") != pending["message_id"]:
        await query.answer(plain(context, MESSAGES, "forget_stale"), show_alert=True)
        return
    await query.answer()
    press = ForgetPress.decode(query.data)
    if press is None or press.choice is ForgetChoice.NO:
        await query.edit_message_text(plain(context, MESSAGES, "forget_cancelled"))
        return
    await _forget_everything(update, context)


def handlers() -> list[Any]:
    """/forget and its buttons."""
    return [
        CommandHandler("forget", forget_command, filters=COMMANDS),
        CallbackQueryHandler(forget_button, pattern=FORGET_PATTERN),
    ]

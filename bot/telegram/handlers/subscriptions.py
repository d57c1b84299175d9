"""Subscribing and the /settings keyboards. Every button's data is validated; tampered or stale
data is refused and changes nothing. In groups and channels only chat admins change settings."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.domain.editions.schedule import hhmm, offset_label
from bot.domain.people.settings import resolve_places
from bot.domain.people.subscriptions import SubscriptionError, SubscriptionView, check_zone
from bot.telegram.callbacks.answers import SUBSCRIBE_PATTERN, SubscribeButton
from bot.telegram.callbacks.settings import SETTINGS_PATTERN, split_settings
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html, reply_macro
from bot.telegram.handlers.settings_buttons import labels_of, run_press
from bot.telegram.keyboards.subscriptions import MESSAGES, main_keyboard

log = logging.getLogger(__name__)

ADMIN_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
COMMANDS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
DEEP_LINK = r"^/start(@\w+)?\s+sub_[a-z0-9-]{1,40}\s*$"


async def may_change(update: Update, context: SitrepContext) -> bool:
    """Private chats: the user. Groups: chat admins (and anonymous admins). Channels: posters."""
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    message = update.effective_message
    if (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == chat.id
    ):
        return True  # an anonymous group admin
    user = update.effective_user
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.info("cannot check admin status in %s: %s", chat.id, exc)
        return False
    return member.status in ADMIN_STATUSES


def _thread_id(update: Update) -> int | None:
    message = update.effective_message
    if message is not None and message.is_topic_message:
        return message.message_thread_id
    return None


async def _reply(update: Update, context: SitrepContext, macro: str, **data: Any) -> None:
    await reply_macro(update, context, MESSAGES, macro, **data)


def _settings_text(
    context: SitrepContext, sub: SubscriptionView, note: str = "", title: str = ""
) -> str:
    labels = labels_of(context)
    gazetteer = context.services.gazetteer
    places = [p.name for p in (gazetteer.get(k) for k in sub.places) if p is not None]
    quiet = ""
    if sub.quiet_start is not None and sub.quiet_end is not None:
        quiet = labels("window", start=hhmm(sub.quiet_start), end=hhmm(sub.quiet_end))
    next_local = ""
    if sub.next_due_at is not None:
        local = sub.next_due_at.astimezone(sub.zone)
        next_local = labels("next_briefing", local=local, zone=sub.timezone)
    return context.services.renderer.render(
        "settings.html",
        s=sub,
        note=note,
        chat_title=title,
        status=labels("status_label", status=sub.status),
        time=hhmm(sub.delivery_minute),
        offset=offset_label(sub.zone, context.services.clock.now()),
        places=places,
        quiet=quiet,
        next_local=next_local,
    )


async def _show_settings(update: Update, context: SitrepContext, note: str = "") -> None:
    chat = update.effective_chat
    assert chat is not None
    sub = await context.services.subscriptions.get(chat.id)
    if sub is None:
        await _reply(update, context, "not_subscribed", note=note)
        return
    await reply_html(
        update,
        context,
        _settings_text(context, sub, note, chat.title or ""),
        reply_markup=main_keyboard(labels_of(context), sub),
    )


async def subscribe_with(
    update: Update, context: SitrepContext, places: list[str], note: str = ""
) -> None:
    """Subscribe this chat (in its forum topic), optionally adding places; show the settings."""
    chat = update.effective_chat
    assert chat is not None
    if not await may_change(update, context):
        await _reply(update, context, "admins_only")
        return
    user = update.effective_user
    _, created = await context.services.subscriptions.subscribe(
        chat.id,
        chat_type=chat.type,
        thread_id=_thread_id(update),
        places=places,
        timezone=getattr(context.services.tz, "key", None),
        by=user.id if user else None,
    )
    head = labels_of(context)("subscribed_note", created=created, note=note)
    await _show_settings(update, context, head)


async def subscribe_command(update: Update, context: SitrepContext) -> None:
    """/subscribe [PLACE, PLACE…]."""
    gazetteer = context.services.gazetteer
    text = " ".join(context.args or [])
    keys, unknown = resolve_places(gazetteer, text) if text else ([], [])
    note = ""
    if unknown:
        hints = [p.name for p in gazetteer.suggest(unknown[0])]
        note = labels_of(context)("unknown_place_note", name=unknown[0], hints=hints)
        if not keys:
            await _reply(update, context, "nothing_changed", note=note)
            return
    await subscribe_with(update, context, keys, note)


async def start_deep_link(update: Update, context: SitrepContext) -> None:
    """/start sub_<place>: the deep link https://t.me/<bot>?start=sub_<place>."""
    payload = (context.args or [""])[0]
    place = context.services.gazetteer.get(payload.removeprefix("sub_"))
    if place is None:
        await _reply(update, context, "bad_subscribe_link")
        return
    await subscribe_with(update, context, [place.key])


async def subscribe_button(update: Update, context: SitrepContext) -> None:
    """The "Subscribe to <place>" button under an answer."""
    query = update.callback_query
    assert query is not None
    labels = labels_of(context)
    button = SubscribeButton.decode(query.data)
    place = context.services.gazetteer.get(button.place_key) if button else None
    if place is None:
        await query.answer(labels("button_invalid"), show_alert=True)
        return
    if not await may_change(update, context):
        await query.answer(labels("admins_only"), show_alert=True)
        return
    await query.answer(labels("subscribed_toast", name=place.name))
    await subscribe_with(update, context, [place.key])


async def unsubscribe_command(update: Update, context: SitrepContext) -> None:
    """/unsubscribe: stop and forget this chat's subscription."""
    chat = update.effective_chat
    assert chat is not None
    if not await may_change(update, context):
        await _reply(update, context, "admins_only")
        return
    removed = await context.services.subscriptions.unsubscribe(chat.id)
    await _reply(update, context, "unsubscribed", removed=removed)


async def _set_status(update: Update, context: SitrepContext, status: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    if not await may_change(update, context):
        await _reply(update, context, "admins_only")
        return
    try:
        await context.services.subscriptions.change(chat.id, status=status)
    except SubscriptionError as exc:
        await _reply(update, context, "refused", message=str(exc))
        return
    await _show_settings(update, context, labels_of(context)("status_note", status=status))


async def pause_command(update: Update, context: SitrepContext) -> None:
    """/pause: keep settings, stop briefings."""
    await _set_status(update, context, "paused")


async def resume_command(update: Update, context: SitrepContext) -> None:
    """/resume: briefings again from the next delivery time."""
    await _set_status(update, context, "active")


async def settings_command(update: Update, context: SitrepContext) -> None:
    """/settings: the summary and the keyboards."""
    await _show_settings(update, context)


async def timezone_command(update: Update, context: SitrepContext) -> None:
    """/timezone Area/City: a zone not in the common list."""
    chat = update.effective_chat
    assert chat is not None
    name = " ".join(context.args or []).strip()
    if not name:
        await _reply(update, context, "timezone_usage")
        return
    if not await may_change(update, context):
        await _reply(update, context, "admins_only")
        return
    try:
        await context.services.subscriptions.change(chat.id, timezone=check_zone(name))
    except SubscriptionError as exc:
        await _reply(update, context, "refused", message=str(exc))
        return
    await _show_settings(update, context, labels_of(context)("zone_set_note", name=name))


async def settings_button(update: Update, context: SitrepContext) -> None:
    """Every settings button. Data is parsed strictly; anything else is refused."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    labels = labels_of(context)
    parts = split_settings(query.data)
    if parts is None:
        await query.answer(labels("button_invalid"), show_alert=True)
        return
    if not await may_change(update, context):
        await query.answer(labels("settings_admins_only"), show_alert=True)
        return
    sub = await context.services.subscriptions.get(chat.id)
    if sub is None:
        await query.answer(labels("no_longer_subscribed"), show_alert=True)
        return
    try:
        result = await run_press(context, chat.id, sub, *parts)
    except (SubscriptionError, ValueError, IndexError):
        await query.answer(labels("button_stale"), show_alert=True)
        return
    if result is None:
        await query.answer(labels("button_invalid"), show_alert=True)
        return
    sub, keyboard, toast = result
    await query.answer(toast)
    await _edit_settings(update, context, sub, keyboard or main_keyboard(labels, sub))


async def _edit_settings(
    update: Update, context: SitrepContext, sub: SubscriptionView, keyboard: InlineKeyboardMarkup
) -> None:
    """Show the changed settings in the message the button was under."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or query.message is None or chat is None:
        return
    text = _settings_text(context, sub, title=chat.title or "")
    try:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=keyboard)
    except TelegramError as exc:
        if "not modified" not in str(exc).lower():
            raise


def handlers() -> list[Any]:
    """Subscription handlers; the deep-link /start must come before the plain /start."""
    return [
        CommandHandler("start", start_deep_link, filters=filters.Regex(DEEP_LINK)),
        CommandHandler("subscribe", subscribe_command, filters=COMMANDS),
        CommandHandler("unsubscribe", unsubscribe_command, filters=COMMANDS),
        CommandHandler("pause", pause_command, filters=COMMANDS),
        CommandHandler("resume", resume_command, filters=COMMANDS),
        CommandHandler("settings", settings_command, filters=COMMANDS),
        CommandHandler("timezone", timezone_command, filters=COMMANDS),
        CallbackQueryHandler(settings_button, pattern=SETTINGS_PATTERN),
        CallbackQueryHandler(subscribe_button, pattern=SUBSCRIBE_PATTERN),
    ]

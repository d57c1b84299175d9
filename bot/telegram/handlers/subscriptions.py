"""Subscribing and the /settings keyboards. Every button's data is validated; tampered or stale
data is refused and changes nothing. In groups and channels only chat admins change settings."""

from __future__ import annotations

import logging
import re
from html import escape
from typing import Any

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.domain.editions.schedule import hhmm, offset_label
from bot.store.subscriptions import (
    COMMON_ZONES,
    EVENT_TYPES,
    SubscriptionError,
    SubscriptionView,
    check_zone,
)
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html

log = logging.getLogger(__name__)

QUIET_PRESETS: tuple[tuple[int, int] | None, ...] = (
    None,
    (22 * 60, 7 * 60),
    (23 * 60, 6 * 60),
    (0, 8 * 60),
)
CALLBACK = re.compile(r"^s:([a-z]{1,6})(?::([A-Za-z0-9_-]{1,40}))?$")
ADMIN_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR}
COMMANDS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


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


def _settings_text(
    context: SitrepContext, sub: SubscriptionView, note: str = "", title: str = ""
) -> str:
    gazetteer = context.services.gazetteer
    places = [p.name for p in (gazetteer.get(k) for k in sub.places) if p is not None]
    now = context.services.clock.now()
    quiet = (
        f"{hhmm(sub.quiet_start)}–{hhmm(sub.quiet_end)}"
        if sub.quiet_start is not None and sub.quiet_end is not None
        else ""
    )
    next_local = ""
    if sub.next_due_at is not None:
        local = sub.next_due_at.astimezone(sub.zone)
        next_local = f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({sub.timezone})"
    return context.services.renderer.render(
        "settings.html",
        s=sub,
        note=note,
        chat_title=title,
        status={"active": "active", "paused": "paused", "blocked": "stopped (bot blocked)"}.get(
            sub.status, sub.status
        ),
        time=hhmm(sub.delivery_minute),
        offset=offset_label(sub.zone, now),
        places=places,
        quiet=quiet,
        next_local=next_local,
    )


def _main_keyboard(sub: SubscriptionView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                Button(f"🕖 Time {hhmm(sub.delivery_minute)}", callback_data="s:time"),
                Button(f"🌍 {sub.timezone}", callback_data="s:tz"),
            ],
            [
                Button(f"📍 Places ({len(sub.places) or 'all'})", callback_data="s:pl"),
                Button(f"🏷 Types ({len(sub.event_types) or 'all'})", callback_data="s:ty"),
            ],
            [
                Button(
                    f"Empty-day note: {'on' if sub.empty_note else 'off'}", callback_data="s:en"
                ),
                Button(
                    f"Flash alerts: {'on' if sub.flash_alerts else 'off'}", callback_data="s:fl"
                ),
            ],
            [
                Button("🌙 Quiet hours", callback_data="s:q"),
                Button("⏸ Pause" if sub.status == "active" else "▶️ Resume", callback_data="s:ps"),
            ],
        ]
    )


def _hours_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [Button(f"{h:02d}", callback_data=f"s:h:{h}") for h in range(r * 6, r * 6 + 6)]
        for r in range(4)
    ]
    rows.append([Button("« Back", callback_data="s:menu")])
    return InlineKeyboardMarkup(rows)


def _minutes_keyboard(hour: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                Button(f"{hour:02d}:00", callback_data=f"s:t:{hour * 60}"),
                Button(f"{hour:02d}:30", callback_data=f"s:t:{hour * 60 + 30}"),
            ],
            [Button("« Back", callback_data="s:time")],
        ]
    )


def _zones_keyboard(context: SitrepContext) -> InlineKeyboardMarkup:
    now = context.services.clock.now()
    from zoneinfo import ZoneInfo

    buttons = [
        Button(f"{z} ({offset_label(ZoneInfo(z), now)})", callback_data=f"s:z:{i}")
        for i, z in enumerate(COMMON_ZONES)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([Button("« Back", callback_data="s:menu")])
    return InlineKeyboardMarkup(rows)


def _places_keyboard(context: SitrepContext, sub: SubscriptionView) -> InlineKeyboardMarkup:
    gazetteer = context.services.gazetteer
    rows = []
    for key in sub.places[:20]:
        place = gazetteer.get(key)
        if place is not None:
            rows.append([Button(f"✖ {place.name}", callback_data=f"s:pr:{key}")])
    rows.append([Button("« Back", callback_data="s:menu")])
    return InlineKeyboardMarkup(rows)


def _types_keyboard(sub: SubscriptionView) -> InlineKeyboardMarkup:
    rows = [
        [Button(f"{'✅' if t in sub.event_types else '▫️'} {t}", callback_data=f"s:tt:{i}")]
        for i, t in enumerate(EVENT_TYPES)
    ]
    rows.append([Button("« Back", callback_data="s:menu")])
    return InlineKeyboardMarkup(rows)


def _quiet_keyboard() -> InlineKeyboardMarkup:
    labels = ["Off"] + [f"{hhmm(a)}–{hhmm(b)}" for a, b in (p for p in QUIET_PRESETS if p)]
    rows = [[Button(label, callback_data=f"s:qs:{i}")] for i, label in enumerate(labels)]
    rows.append([Button("« Back", callback_data="s:menu")])
    return InlineKeyboardMarkup(rows)


async def _show_settings(update: Update, context: SitrepContext, note: str = "") -> None:
    chat = update.effective_chat
    assert chat is not None
    sub = await context.services.subscriptions.get(chat.id)
    if sub is None:
        await reply_html(
            update,
            context,
            (note + "\n\n" if note else "")
            + "This chat is not subscribed. Send /subscribe to get a daily briefing.",
        )
        return
    await reply_html(
        update,
        context,
        _settings_text(context, sub, note, chat.title or ""),
        reply_markup=_main_keyboard(sub),
    )


def _resolve_places(context: SitrepContext, text: str) -> tuple[list[str], list[str]]:
    """Place keys named in `text` (comma-separated or free text), and names not understood."""
    gazetteer = context.services.gazetteer
    keys: list[str] = []
    unknown: list[str] = []
    for chunk in [c.strip() for c in re.split(r"[,;\n]", text) if c.strip()]:
        place = gazetteer.resolve(chunk)
        if place is None:
            found = [m.place for m in gazetteer.find_in_text(chunk)]
            if not found:
                unknown.append(chunk[:60])
            keys += [p.key for p in found]
        else:
            keys.append(place.key)
    return list(dict.fromkeys(keys)), unknown


async def subscribe_with(
    update: Update, context: SitrepContext, places: list[str], note: str = ""
) -> None:
    """Subscribe this chat (in its forum topic), optionally adding places; show the settings."""
    chat = update.effective_chat
    assert chat is not None
    if not await may_change(update, context):
        await reply_html(update, context, "Only this chat's admins can change its subscription.")
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
    head = "Subscribed: you will get a daily briefing." if created else "Subscription updated."
    await _show_settings(update, context, (head + (" " + note if note else "")).strip())


async def subscribe_command(update: Update, context: SitrepContext) -> None:
    """/subscribe [PLACE, PLACE…]."""
    text = " ".join(context.args or [])
    keys, unknown = _resolve_places(context, text) if text else ([], [])
    note = ""
    if unknown:
        hints = [p.name for p in context.services.gazetteer.suggest(unknown[0])]
        note = f"I don't know “{unknown[0]}”" + (
            f" — did you mean {', '.join(hints)}?" if hints else "."
        )
        if not keys:
            await reply_html(update, context, escape(note) + " Nothing was changed.")
            return
    await subscribe_with(update, context, keys, note)


async def start_deep_link(update: Update, context: SitrepContext) -> None:
    """/start sub_<place>: the deep link https://t.me/<bot>?start=sub_<place>."""
    payload = (context.args or [""])[0]
    key = payload.removeprefix("sub_")
    place = context.services.gazetteer.get(key)
    if place is None:
        await reply_html(
            update,
            context,
            "That subscribe link names a place I don't know. Send /subscribe PLACE instead.",
        )
        return
    await subscribe_with(update, context, [place.key])


async def subscribe_button(update: Update, context: SitrepContext) -> None:
    """The "Subscribe to <place>" button under an answer."""
    query = update.callback_query
    assert query is not None
    match = re.fullmatch(r"sub:([a-z0-9-]{1,40})", query.data or "")
    place = context.services.gazetteer.get(match.group(1)) if match else None
    if place is None:
        await query.answer("That button is not valid.", show_alert=True)
        return
    if not await may_change(update, context):
        await query.answer("Only this chat's admins can change its subscription.", show_alert=True)
        return
    await query.answer(f"Subscribed to {place.name}")
    await subscribe_with(update, context, [place.key])


async def unsubscribe_command(update: Update, context: SitrepContext) -> None:
    """/unsubscribe: stop and forget this chat's subscription."""
    chat = update.effective_chat
    assert chat is not None
    if not await may_change(update, context):
        await reply_html(update, context, "Only this chat's admins can change its subscription.")
        return
    removed = await context.services.subscriptions.unsubscribe(chat.id)
    await reply_html(
        update,
        context,
        "Unsubscribed. No more daily briefings; /subscribe to start again."
        if removed
        else "This chat was not subscribed.",
    )


async def _set_status(update: Update, context: SitrepContext, status: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    if not await may_change(update, context):
        await reply_html(update, context, "Only this chat's admins can change its subscription.")
        return
    try:
        await context.services.subscriptions.change(chat.id, status=status)
    except SubscriptionError as exc:
        await reply_html(update, context, escape(str(exc)))
        return
    await _show_settings(update, context, "Paused." if status == "paused" else "Resumed.")


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
        await reply_html(update, context, "Use: /timezone Area/City, e.g. /timezone Asia/Kabul")
        return
    if not await may_change(update, context):
        await reply_html(update, context, "Only this chat's admins can change its subscription.")
        return
    try:
        await context.services.subscriptions.change(chat.id, timezone=check_zone(name))
    except SubscriptionError as exc:
        await reply_html(update, context, escape(str(exc)))
        return
    await _show_settings(update, context, f"Time zone set to {name}.")  # escaped by the template


async def settings_button(update: Update, context: SitrepContext) -> None:
    """Every settings button. Data is parsed strictly; anything else is refused."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    match = CALLBACK.match(query.data or "")
    if match is None:
        await query.answer("That button is not valid.", show_alert=True)
        return
    action, arg = match.group(1), match.group(2)
    if not await may_change(update, context):
        await query.answer("Only this chat's admins can change its settings.", show_alert=True)
        return
    subs = context.services.subscriptions
    sub = await subs.get(chat.id)
    if sub is None:
        await query.answer("This chat is no longer subscribed. Send /subscribe.", show_alert=True)
        return
    try:
        result = await _apply(context, chat.id, sub, action, arg)
    except (SubscriptionError, ValueError, IndexError):
        await query.answer("That button is not valid any more.", show_alert=True)
        return
    if result is None:
        await query.answer("That button is not valid.", show_alert=True)
        return
    sub, keyboard, toast = result
    await query.answer(toast)
    text = _settings_text(context, sub, title=chat.title or "")
    if query.message is not None:
        try:
            await query.edit_message_text(
                text, parse_mode="HTML", reply_markup=keyboard or _main_keyboard(sub)
            )
        except TelegramError as exc:
            if "not modified" not in str(exc).lower():
                raise


async def _apply(
    context: SitrepContext, chat_id: int, sub: SubscriptionView, action: str, arg: str | None
) -> tuple[SubscriptionView, InlineKeyboardMarkup | None, str] | None:
    """Carry out one validated button; None when the data does not fit the action."""
    subs = context.services.subscriptions
    if action == "menu" and arg is None:
        return sub, None, ""
    if action == "time" and arg is None:
        return sub, _hours_keyboard(), "Pick the hour"
    if action == "h" and arg is not None and arg.isdigit() and 0 <= int(arg) < 24:
        return sub, _minutes_keyboard(int(arg)), "Pick the minutes"
    if action == "t" and arg is not None and arg.isdigit():
        minute = int(arg)
        if minute % 30 or not 0 <= minute < 1440:
            return None
        return (
            await subs.change(chat_id, delivery_minute=minute),
            None,
            f"Delivery at {hhmm(minute)}",
        )
    if action == "tz" and arg is None:
        return sub, _zones_keyboard(context), "Pick a time zone"
    if action == "z" and arg is not None and arg.isdigit() and int(arg) < len(COMMON_ZONES):
        zone = COMMON_ZONES[int(arg)]
        return await subs.change(chat_id, timezone=zone), None, f"Time zone {zone}"
    if action == "pl" and arg is None:
        return sub, _places_keyboard(context, sub), "Places"
    if action == "pr" and arg is not None:
        if arg not in sub.places:
            return None
        return await subs.toggle(chat_id, "places", arg), None, "Removed"
    if action == "ty" and arg is None:
        return sub, _types_keyboard(sub), "Event types"
    if action == "tt" and arg is not None and arg.isdigit() and int(arg) < len(EVENT_TYPES):
        updated = await subs.toggle(chat_id, "event_types", EVENT_TYPES[int(arg)])
        return updated, _types_keyboard(updated), "Updated"
    if action == "en" and arg is None:
        return await subs.change(chat_id, empty_note=not sub.empty_note), None, "Updated"
    if action == "fl" and arg is None:
        return await subs.change(chat_id, flash_alerts=not sub.flash_alerts), None, "Updated"
    if action == "q" and arg is None:
        return sub, _quiet_keyboard(), "Quiet hours"
    if action == "qs" and arg is not None and arg.isdigit() and int(arg) < len(QUIET_PRESETS):
        preset = QUIET_PRESETS[int(arg)]
        start, end = preset if preset else (None, None)
        return await subs.change(chat_id, quiet_start=start, quiet_end=end), None, "Updated"
    if action == "ps" and arg is None:
        status = "paused" if sub.status == "active" else "active"
        return await subs.change(chat_id, status=status), None, status.capitalize()
    return None


def handlers() -> list[Any]:
    """Subscription handlers; the deep-link /start must come before the plain /start."""
    return [
        CommandHandler(
            "start",
            start_deep_link,
            filters=filters.Regex(r"^/start(@\w+)?\s+sub_[a-z0-9-]{1,40}\s*$"),
        ),
        CommandHandler("subscribe", subscribe_command, filters=COMMANDS),
        CommandHandler("unsubscribe", unsubscribe_command, filters=COMMANDS),
        CommandHandler("pause", pause_command, filters=COMMANDS),
        CommandHandler("resume", resume_command, filters=COMMANDS),
        CommandHandler("settings", settings_command, filters=COMMANDS),
        CommandHandler("timezone", timezone_command, filters=COMMANDS),
        CallbackQueryHandler(settings_button, pattern=r"^s:"),
        CallbackQueryHandler(subscribe_button, pattern=r"^sub:"),
    ]

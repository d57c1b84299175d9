"""Admin tools: the access gate, /admins, /audit, /stats, /allow, /deny, /allowed, and /forget.

Every admin command is wrapped in `admin_only` (one refusal line for everyone else, an audit entry
for every admin action). /forget is for everyone: private chats forget their user, groups and
channels forget the chat (only chat admins may ask), after a confirmation button.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, filters

from bot.store.access import (
    PRIVATE_LINE,
    ForgetReport,
    parse_id,
)
from bot.telegram.commands import ADMIN_COMMANDS, USER_COMMANDS
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html, reply_template
from bot.telegram.handlers.guards import admin_only, audit_log
from bot.telegram.handlers.subscriptions import ADMIN_STATUSES, may_change

log = logging.getLogger(__name__)

AUDIT_DEFAULT = 15
AUDIT_MAX = 50
MAX_MESSAGE = 4000
STATS_MAX_PLACES = 15
FORGET_KEY = "forget_pending"  # chat-wide state: the prompt awaiting its button, who asked
FORGET_TTL_SECONDS = 600
FORGET_RE = re.compile(r"fg:(yes|no)")
OWNERS_ONLY = "Only owners (ADMIN_IDS) can add or remove admins."
COMMANDS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


# --------------------------------------------------------------------------- the access gate


def _addressed(update: Update, context: SitrepContext) -> bool:
    """Private chats always; groups only for a command to us, a mention of us or a reply to us."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return True
    message = update.message
    if message is None:
        return False
    username = (context.bot.username or "").lower()
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == context.bot.id:
        return True
    for entity, text in message.parse_entities().items():
        if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0:
            _, at, name = text.partition("@")
            if not at or name.lower() == username:
                return True
        if entity.type == MessageEntityType.MENTION and text.lower() == f"@{username}":
            return True
    return False


async def access_gate(update: Update, context: SitrepContext) -> None:
    """Runs before every handler; with ACCESS=allowlist it stops updates from others.

    Strangers get one line when they address the bot and nothing about them is stored: the
    seen-recorder (group -1) and every handler never run.
    """
    if context.services.settings.access != "allowlist":
        return
    user_id = _user_id(update)
    chat = update.effective_chat
    if user_id is None and chat is None:
        return  # polls and the like: nobody to store, nobody to refuse
    if await context.services.access.is_allowed(user_id, chat.id if chat else None):
        return
    log.info("access gate: update %s from someone not allowed", update.update_id)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(PRIVATE_LINE, show_alert=True)
        elif update.message is not None and _addressed(update, context):
            await update.message.reply_text(PRIVATE_LINE)
    except TelegramError as exc:
        log.info("access gate could not answer: %s", exc)
    raise ApplicationHandlerStop


# --------------------------------------------------------------------------- /audit


@admin_only
async def audit_command(update: Update, context: SitrepContext) -> None:
    """/audit [N]: the latest N admin actions (default 15, at most 50)."""
    args = context.args or []
    if args and not (args[0].isdigit() and 0 < int(args[0]) <= 10_000):
        await reply_html(update, context, f"Use: /audit [N], e.g. /audit 30 (at most {AUDIT_MAX}).")
        return
    limit = min(int(args[0]) if args else AUDIT_DEFAULT, AUDIT_MAX)
    entries = await audit_log(context).recent(limit)
    tz = context.services.settings.tz

    def when(at: Any) -> str:
        return str(at.astimezone(tz).strftime("%Y-%m-%d %H:%M"))

    def render(shown: list[Any]) -> str:
        return context.services.renderer.render(
            "audit.html",
            entries=shown,
            when=when,
            timezone=context.services.settings.default_timezone,
            more=AUDIT_MAX if limit < AUDIT_MAX and len(entries) == limit else 0,
        )

    text = render(entries)
    while len(text) > MAX_MESSAGE and entries:
        entries = entries[:-1]
        text = render(entries)
    await reply_html(update, context, text)


# --------------------------------------------------------------------------- /admins


async def _refresh_commands(context: SitrepContext, user_id: int, *, admin: bool) -> None:
    """Show (or hide) the admin command menu in that user's private chat."""
    try:
        if admin:
            menu = [BotCommand(c.command, c.description) for c in (*USER_COMMANDS, *ADMIN_COMMANDS)]
            await context.bot.set_my_commands(menu, scope=BotCommandScopeChat(user_id))
        else:
            await context.bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:
        log.info("command menu not updated for %s: %s", user_id, exc)


@admin_only
async def admins_command(update: Update, context: SitrepContext) -> None:
    """/admins lists owners and admins; owners use /admins add|remove USER_ID."""
    args = context.args or []
    access = context.services.access
    if not args:
        await reply_template(
            update, context, "admins.html", admins=await access.admins(), allowed=None, access=""
        )
        return
    action = args[0].lower()
    target = parse_id(args[1]) if len(args) == 2 else None
    if action not in ("add", "remove") or target is None or target < 0:
        await reply_html(
            update,
            context,
            "Use: /admins · /admins add USER_ID · /admins remove USER_ID (a numeric user id)",
        )
        return
    actor = _user_id(update)
    if not access.is_owner(actor):
        await reply_html(update, context, OWNERS_ONLY)
        return
    if action == "add":
        if access.is_owner(target):
            await reply_html(update, context, f"{target} is an owner (ADMIN_IDS) already.")
        elif await access.add_admin(target, by=actor):
            await _refresh_commands(context, target, admin=True)
            await reply_html(update, context, f"{target} is now an admin.")
        else:
            await reply_html(update, context, f"{target} is an admin already.")
        return
    if access.is_owner(target):
        await reply_html(
            update,
            context,
            f"{target} is an owner; owners are set in ADMIN_IDS, not in chat.",
        )
    elif await access.remove_admin(target):
        await _refresh_commands(context, target, admin=False)
        await reply_html(update, context, f"{target} is no longer an admin.")
    else:
        await reply_html(update, context, f"{target} is not an admin; nothing was changed.")


# --------------------------------------------------------------------------- /stats


@admin_only
async def stats_command(update: Update, context: SitrepContext) -> None:
    """/stats: subscribers, deliveries, queue and questions (aggregates only)."""
    stats = await context.services.stats.collect(context.services.clock.now())
    await reply_template(update, context, "stats.html", s=stats, max_places=STATS_MAX_PLACES)


# --------------------------------------------------------------------------- allowlist


@admin_only
async def allow_command(update: Update, context: SitrepContext) -> None:
    """/allow USER_OR_CHAT_ID [note]: let a user or chat use Sitrep under ACCESS=allowlist."""
    text = (update.effective_message.text or "") if update.effective_message else ""
    parts = text.split(maxsplit=2)
    ident = parse_id(parts[1]) if len(parts) > 1 else None
    if ident is None:
        await reply_html(
            update,
            context,
            "Use: /allow ID [note] — a user id, or a group/channel id (negative), "
            "e.g. /allow 123456789 field reporter",
        )
        return
    note = parts[2] if len(parts) > 2 else ""
    new = await context.services.access.allow(ident, note, by=_user_id(update))
    kind = "chat" if ident < 0 else "user"
    line = (
        f"Allowed {kind} {ident}." if new else f"{kind.capitalize()} {ident} was allowed already."
    )
    if context.services.settings.access != "allowlist":
        line += " (ACCESS=open: the allowlist applies when ACCESS=allowlist.)"
    await reply_html(update, context, line)


@admin_only
async def deny_command(update: Update, context: SitrepContext) -> None:
    """/deny ID: take a user or chat off the allowlist."""
    args = context.args or []
    ident = parse_id(args[0]) if len(args) == 1 else None
    if ident is None:
        await reply_html(update, context, "Use: /deny ID, e.g. /deny 123456789")
        return
    access = context.services.access
    if not await access.deny(ident):
        await reply_html(update, context, f"{ident} is not on the allowlist; nothing was changed.")
        return
    line = f"{ident} is off the allowlist."
    if ident > 0 and await context.services.people.is_admin(ident):
        line += " They are still an admin, and admins are always allowed."
    await reply_html(update, context, line)


@admin_only
async def allowed_command(update: Update, context: SitrepContext) -> None:
    """/allowed: the allowlist."""
    await reply_template(
        update,
        context,
        "admins.html",
        admins=None,
        allowed=await context.services.access.allowed(),
        access=context.services.settings.access,
    )


# --------------------------------------------------------------------------- /forget


def forget_choice(data: str | None) -> str | None:
    """The choice (yes or no) of valid /forget button data; None for anything else."""
    match = FORGET_RE.fullmatch(data or "")
    return match.group(1) if match else None


def _forget_prompt(private: bool) -> str:
    who = "you" if private else "this chat"
    items = (
        "your user record, this chat, your subscription, messages queued or sent to you, "
        "the log of your questions"
        if private
        else "this chat's record, its subscription, messages queued or sent here, "
        "the log of questions asked here"
    )
    items += ", and unfinished conversations (open forms, More pages, the last question)"
    return (
        f"<b>Forget {who}?</b>\nSitrep will delete {items}. "
        "An allowlist entry stays (it is an admin decision). Events and sources are not "
        "personal data and stay.\nThis cannot be undone."
    )


def _forget_result(report: ForgetReport, private: bool, states: int = 0) -> str:
    lines = ["<b>Done.</b> Sitrep deleted:"]
    if report.user_row:
        lines.append("• your user record")
    if report.chat_row:
        lines.append("• this chat's record")
    if report.subscription:
        lines.append("• the daily briefing subscription")
    if report.messages:
        plural = "" if report.messages == 1 else "s"
        lines.append(f"• {report.messages} message{plural} queued or sent to this chat")
    if report.questions:
        lines.append(
            f"• {report.questions} question-log entr{'y' if report.questions == 1 else 'ies'}"
        )
    if states:
        lines.append("• unfinished conversations (open forms, More pages, the last question)")
    if not report.deleted_anything and not states:
        lines = ["Sitrep held nothing about " + ("you." if private else "this chat.")]
    kept = []
    if report.allowlisted:
        kept.append("the allowlist entry (an admin decision; an admin can /deny it)")
    if report.admin:
        kept.append("your admin role (ask an owner to remove it)")
    if kept:
        lines.append("Kept: " + "; ".join(kept) + ".")
    lines.append("Events and their sources are not personal data and stay.")
    return "\n".join(lines)


async def forget_command(update: Update, context: SitrepContext) -> None:
    """/forget: after a confirmation button, delete what Sitrep holds about you or this chat."""
    chat = update.effective_chat
    if chat is None or update.effective_message is None:
        return
    private = chat.type == ChatType.PRIVATE
    if not private and not await may_change(update, context):
        await reply_html(update, context, "Only this chat's admins can make Sitrep forget it.")
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes, delete", callback_data="fg:yes"),
                InlineKeyboardButton("No", callback_data="fg:no"),
            ]
        ]
    )
    sent = await reply_html(update, context, _forget_prompt(private), reply_markup=keyboard)
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


def _forget_seen(context: SitrepContext, chat_id: int, user_id: int | None) -> None:
    """Let the seen-recorder store this chat and user again when they next write."""
    context.services.people.forget_seen(chat_id, user_id)


async def forget_button(update: Update, context: SitrepContext) -> None:
    """fg:yes / fg:no on the /forget prompt; stale, replayed or tampered presses change nothing."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None
    choice = forget_choice(query.data)
    store = context.services.chat_state
    pending = await store.get(chat.id, None, FORGET_KEY) if chat is not None else None
    message_id = query.message.message_id if query.message is not None else None
    if (
        choice is None
        or chat is None
        or pending is None
        or message_id is None
        or pending.get("message_id") != message_id
    ):
        await query.answer("That button is not valid any more.", show_alert=True)
        return
    if not await _may_confirm(update, context, pending):
        await query.answer("Only the person who asked can confirm this.", show_alert=True)
        return
    # Taken, not read: of two presses (on any instances) only one goes on.
    taken = await store.take(chat.id, None, FORGET_KEY)
    if taken is None or taken.get("message_id") != message_id:
        await query.answer("That button is not valid any more.", show_alert=True)
        return
    await query.answer()
    if choice == "no":
        await query.edit_message_text("Cancelled; nothing was deleted.")
        return
    private = chat.type == ChatType.PRIVATE
    user_id = chat.id if private else None
    report = await context.services.privacy.forget(chat.id, user_id)
    states = await store.forget(chat.id, user_id)
    context.application.drop_chat_data(chat.id)
    if user_id is not None:
        context.application.drop_user_data(user_id)
    _forget_seen(context, chat.id, user_id)
    await query.edit_message_text(_forget_result(report, private, states), parse_mode="HTML")


# --------------------------------------------------------------------------- registration


def handlers() -> list[Any]:
    """Admin tool handlers (and /forget), in registration order."""
    return [
        CommandHandler("audit", audit_command),
        CommandHandler("admins", admins_command),
        CommandHandler("stats", stats_command),
        CommandHandler("allow", allow_command),
        CommandHandler("deny", deny_command),
        CommandHandler("allowed", allowed_command),
        CommandHandler("forget", forget_command, filters=COMMANDS),
        CallbackQueryHandler(forget_button, pattern=r"^fg:"),
    ]

"""Admin tools: the access gate, /admins, /audit, /stats, /allow, /deny, /allowed (and /forget).

Every admin command is wrapped in `admin_only` (one refusal line for everyone else, an audit entry
for every admin action). /forget, for everyone, lives in `handlers.forget`; it registers here.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, CommandHandler

from bot.domain.people.access import parse_id
from bot.telegram.commands import ADMIN_COMMANDS, USER_COMMANDS
from bot.telegram.context import SitrepContext
from bot.telegram.handlers import deadletters, forget
from bot.telegram.handlers.admin_replies import plain
from bot.telegram.handlers.common import reply_macro, reply_template
from bot.telegram.handlers.guards import admin_only, audit_log
from bot.telegram.handlers.listing import local_time, reply_fitting, requested_count

log = logging.getLogger(__name__)

MESSAGES = "admin_messages.html"
AUDIT_DEFAULT = 15
AUDIT_MAX = 50
STATS_MAX_PLACES = 15


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
    line = plain(context, MESSAGES, "private_line")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(line, show_alert=True)
        elif update.message is not None and _addressed(update, context):
            await update.message.reply_text(line)
    except TelegramError as exc:
        log.info("access gate could not answer: %s", exc)
    raise ApplicationHandlerStop


# --------------------------------------------------------------------------- /audit


@admin_only
async def audit_command(update: Update, context: SitrepContext) -> None:
    """/audit [N]: the latest N admin actions (default 15, at most 50)."""
    limit = requested_count(context.args or [], AUDIT_DEFAULT, AUDIT_MAX)
    if limit is None:
        await reply_macro(update, context, MESSAGES, "audit_usage", most=AUDIT_MAX)
        return
    entries = await audit_log(context).recent(limit)
    when = local_time(context.services.settings.tz)

    def render(shown: list[Any]) -> str:
        return context.services.renderer.render(
            "audit.html",
            entries=shown,
            when=when,
            timezone=context.services.settings.default_timezone,
            more=AUDIT_MAX if limit < AUDIT_MAX and len(entries) == limit else 0,
        )

    await reply_fitting(update, context, entries, render)


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


async def _add_admin(context: SitrepContext, target: int, actor: int | None) -> str:
    """Make `target` an admin; the outcome (a macro case of admins_result)."""
    access = context.services.access
    if access.is_owner(target):
        return "already_owner"
    if await access.add_admin(target, by=actor):
        await _refresh_commands(context, target, admin=True)
        return "added"
    return "already_admin"


async def _remove_admin(context: SitrepContext, target: int) -> str:
    """Take `target`'s admin role away; the outcome (a macro case of admins_result)."""
    access = context.services.access
    if access.is_owner(target):
        return "owner_stays"
    if await access.remove_admin(target):
        await _refresh_commands(context, target, admin=False)
        return "removed"
    return "not_admin"


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
        await reply_macro(update, context, MESSAGES, "admins_usage")
        return
    actor = _user_id(update)
    if not access.is_owner(actor):
        await reply_macro(update, context, MESSAGES, "owners_only")
        return
    if action == "add":
        outcome = await _add_admin(context, target, actor)
    else:
        outcome = await _remove_admin(context, target)
    await reply_macro(update, context, MESSAGES, "admins_result", outcome=outcome, target=target)


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
        await reply_macro(update, context, MESSAGES, "allow_usage")
        return
    note = parts[2] if len(parts) > 2 else ""
    new = await context.services.access.allow(ident, note, by=_user_id(update))
    applies = context.services.settings.access == "allowlist"
    await reply_macro(
        update, context, MESSAGES, "allow_done", ident=ident, new=new, applies=applies
    )


@admin_only
async def deny_command(update: Update, context: SitrepContext) -> None:
    """/deny ID: take a user or chat off the allowlist."""
    args = context.args or []
    ident = parse_id(args[0]) if len(args) == 1 else None
    if ident is None:
        await reply_macro(update, context, MESSAGES, "deny_usage")
        return
    if not await context.services.access.deny(ident):
        await reply_macro(update, context, MESSAGES, "deny_missing", ident=ident)
        return
    still_admin = ident > 0 and await context.services.people.is_admin(ident)
    await reply_macro(update, context, MESSAGES, "deny_done", ident=ident, still_admin=still_admin)


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


# --------------------------------------------------------------------------- registration


def handlers() -> list[Any]:
    """Admin tool handlers (and /forget), in registration order."""
    return [
        CommandHandler("audit", audit_command),
        *deadletters.handlers(),
        CommandHandler("admins", admins_command),
        CommandHandler("stats", stats_command),
        CommandHandler("allow", allow_command),
        CommandHandler("deny", deny_command),
        CommandHandler("allowed", allowed_command),
        *forget.handlers(),
    ]

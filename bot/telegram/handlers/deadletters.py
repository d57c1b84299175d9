"""/deadletters [N]: the newest updates set aside as dead letters, for admins (one message,
every value escaped; the raw bodies are for `sitrep deadletters --show ID`)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_macro
from bot.telegram.handlers.guards import admin_only
from bot.telegram.handlers.listing import local_time, reply_fitting, requested_count

MESSAGES = "admin_messages.html"
DEFAULT = 10
MOST = 30


def size_text(size: int) -> str:
    """A byte count, short."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@admin_only
async def deadletters_command(update: Update, context: SitrepContext) -> None:
    """/deadletters [N]: the latest N dead letters (default 10, at most 30)."""
    limit = requested_count(context.args or [], DEFAULT, MOST)
    if limit is None:
        await reply_macro(update, context, MESSAGES, "deadletters_usage", most=MOST)
        return
    letters = await context.services.inbox.dead_letters.recent(limit)
    when = local_time(context.services.settings.tz)

    def render(shown: list[Any]) -> str:
        return context.services.renderer.render(
            "deadletters.html",
            letters=shown,
            when=when,
            size=size_text,
            timezone=context.services.settings.default_timezone,
        )

    await reply_fitting(update, context, letters, render)


def handlers() -> list[Any]:
    """The /deadletters handler."""
    return [CommandHandler("deadletters", deadletters_command)]

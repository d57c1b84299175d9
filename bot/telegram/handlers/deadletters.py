"""/deadletters [N]: the newest updates set aside as dead letters, for admins (one message,
every value escaped; the raw bodies are for `sitrep deadletters --show ID`)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html, reply_macro
from bot.telegram.handlers.guards import admin_only

MESSAGES = "admin_messages.html"
DEFAULT = 10
MOST = 30
MAX_MESSAGE = 4000


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
    args = context.args or []
    if args and not (args[0].isdigit() and 0 < int(args[0]) <= 10_000):
        await reply_macro(update, context, MESSAGES, "deadletters_usage", most=MOST)
        return
    limit = min(int(args[0]) if args else DEFAULT, MOST)
    letters = await context.services.inbox.dead_letters.recent(limit)
    tz = context.services.settings.tz

    def when(at: Any) -> str:
        return str(at.astimezone(tz).strftime("%Y-%m-%d %H:%M"))

    def render(shown: list[Any]) -> str:
        return context.services.renderer.render(
            "deadletters.html",
            letters=shown,
            when=when,
            size=size_text,
            timezone=context.services.settings.default_timezone,
        )

    text = render(letters)
    while len(text) > MAX_MESSAGE and letters:
        letters = letters[:-1]
        text = render(letters)
    await reply_html(update, context, text)


def handlers() -> list[Any]:
    """The /deadletters handler."""
    return [CommandHandler("deadletters", deadletters_command)]

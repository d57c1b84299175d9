"""Admin listings of the newest N records (/audit, /deadletters): the count argument, local
times, and one reply trimmed from the end until it fits a Telegram message."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TypeVar

from telegram import Update

from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html

T = TypeVar("T")

MAX_MESSAGE = 4000  # below Telegram's 4,096, for the tags a template adds around the lines


def requested_count(args: Sequence[str], default: int, most: int) -> int | None:
    """The N of `/command [N]`, capped at `most`; None when the argument is not a count."""
    if args and not (args[0].isdigit() and 0 < int(args[0]) <= 10_000):
        return None
    return min(int(args[0]) if args else default, most)


def local_time(tz: tzinfo) -> Callable[[datetime], str]:
    """A formatter of stored times in the admin's zone, to the minute."""

    def when(at: datetime) -> str:
        return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    return when


async def reply_fitting(
    update: Update,
    context: SitrepContext,
    items: list[T],
    render: Callable[[list[T]], str],
) -> None:
    """Reply with `render(items)`, dropping the oldest items until it fits one message."""
    text = render(items)
    while len(text) > MAX_MESSAGE and items:
        items = items[:-1]
        text = render(items)
    await reply_html(update, context, text)

"""`/chart PLACE [7d|14d|30d]`: the events per day by type and the map of a place's period, as
two photos (a direct reply to the command). The pictures are drawn once per place and period
(an LRU of the last few), off the event loop."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.ext import CommandHandler

from bot.domain.editions.model import Audience
from bot.domain.editions.pictures import PictureData
from bot.domain.editions.schedule import local_instant
from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_macro

log = logging.getLogger(__name__)

MESSAGES = "chart_messages.html"
PERIOD = re.compile(r"^(\d{1,2})d$", re.IGNORECASE)
DEFAULT_DAYS, MAX_DAYS = 7, 31
CACHED = 16
_drawn: OrderedDict[tuple[str, int, datetime], tuple[bytes, bytes]] = OrderedDict()


def read_args(args: list[str]) -> tuple[str, int] | None:
    """(place words, days) from the command's words; None without a place or with a bad period."""
    days = DEFAULT_DAYS
    if args and PERIOD.match(args[-1]):
        days = int(args[-1][:-1])
        args = args[:-1]
        if not 1 <= days <= MAX_DAYS:
            return None
    place = " ".join(args).strip()
    return (place, days) if place else None


def _draw(data: PictureData, labels: object) -> tuple[bytes, bytes]:
    from bot.render.pictures import render_chart, render_map

    return render_chart(data, labels), render_map(data, labels)  # type: ignore[arg-type]


async def chart_command(update: Update, context: SitrepContext) -> None:
    """Reply with the chart and the map of a place's recent events."""
    chat = update.effective_chat
    read = read_args(list(context.args or []))
    if chat is None or read is None:
        await reply_macro(update, context, MESSAGES, "usage")
        return
    words, days = read
    services = context.services
    place = services.gazetteer.resolve(words)
    if place is None:
        hints = [p.name for p in services.gazetteer.suggest(words)]
        await reply_macro(update, context, MESSAGES, "unknown_place", query=words, hints=hints)
        return
    # the window ends at the end of today (UTC), so today's reports count
    end = local_instant(services.clock.now().date() + timedelta(days=1), 0, UTC)
    audience = Audience((place.key,), (), "UTC", end - timedelta(days=days), end, weekly=True)
    data = await services.briefings.collect(audience)
    pictures = services.briefings.pictures(audience, data)
    key = (place.key, days, end)
    drawn = _drawn.get(key)
    if drawn is None:
        from bot.render.pictures import picture_labels

        labels = picture_labels(services.renderer, pictures)
        drawn = await asyncio.to_thread(_draw, pictures, labels)
        _drawn[key] = drawn
        while len(_drawn) > CACHED:
            _drawn.popitem(last=False)
    render = services.renderer.render_macro
    first, last = pictures.chart.days[0], pictures.chart.days[-1]
    captions = (
        render(MESSAGES, "chart_caption", place=place.name, first=f"{first.day} {first:%b}",
               last=f"{last.day} {last:%b %Y}", total=pictures.chart.total),
        render(MESSAGES, "map_caption", place=place.name, points=len(pictures.points),
               unplaced=pictures.unplaced),
    )  # fmt: skip
    message = update.effective_message
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    for photo, caption in zip(drawn, captions, strict=True):
        await context.bot.send_photo(
            chat.id, photo, caption=caption[:1024], parse_mode="HTML", message_thread_id=thread
        )


def handlers() -> list[CommandHandler[SitrepContext, None]]:
    """The /chart command."""
    return [CommandHandler("chart", chart_command)]

"""In-process fake Telegram Bot API used by `sitrep chat` and the handler tests."""

import os

# The fake answers 429s, so PTB builds RetryAfters: opt in to PTB 22's timedelta time periods (as
# bot.delivery.telegram_transport does), else each one raises a deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.sim.api.errors import ApiError
from bot.sim.api.html import parse_html, utf16_len
from bot.sim.api.htmltags import HtmlParseError
from bot.sim.api.records import ApiCall, UploadedFile
from bot.sim.api.request import LocalRequest
from bot.sim.api.server import LocalBotApi
from bot.sim.api.transcript import Button, ButtonIndex, render_event, render_message
from bot.sim.api.updates import UpdateFactory, text_entities

__all__ = [
    "ApiCall",
    "ApiError",
    "Button",
    "ButtonIndex",
    "HtmlParseError",
    "LocalBotApi",
    "LocalRequest",
    "UpdateFactory",
    "UploadedFile",
    "parse_html",
    "render_event",
    "render_message",
    "text_entities",
    "utf16_len",
]

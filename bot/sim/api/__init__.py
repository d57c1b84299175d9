"""In-process fake Telegram Bot API used by `sitrep chat` and the handler tests."""

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

# The fake answers 429s, so PTB builds RetryAfters: opt in to PTB 22's timedelta time periods (as
# bot.delivery.telegram_transport does), else each one raises a deprecation warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")

if TYPE_CHECKING:
    from bot.sim.api.errors import ApiError
    from bot.sim.api.html import parse_html, utf16_len
    from bot.sim.api.htmltags import HtmlParseError
    from bot.sim.api.records import ApiCall, UploadedFile
    from bot.sim.api.request import LocalRequest
    from bot.sim.api.server import LocalBotApi
    from bot.sim.api.transcript import Button, ButtonIndex, render_event, render_message
    from bot.sim.api.updates import UpdateFactory, text_entities

# Imported on first use: the plain-text rendering (`sitrep ask`) needs no python-telegram-bot.
_HOMES = {
    "ApiCall": "records",
    "ApiError": "errors",
    "Button": "transcript",
    "ButtonIndex": "transcript",
    "HtmlParseError": "htmltags",
    "LocalBotApi": "server",
    "LocalRequest": "request",
    "UpdateFactory": "updates",
    "UploadedFile": "records",
    "parse_html": "html",
    "render_event": "transcript",
    "render_message": "transcript",
    "text_entities": "updates",
    "utf16_len": "html",
}
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


def __getattr__(name: str) -> Any:
    """The public names, each imported from its module when first asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value

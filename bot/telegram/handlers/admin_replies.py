"""Replies of the admin handlers: one short message = one macro of a briefings/ file."""

from __future__ import annotations

import html
from typing import Any

from markupsafe import Markup
from telegram import InlineKeyboardMarkup, Message, Update

from bot.telegram.context import SitrepContext
from bot.telegram.handlers.common import reply_html


def render_macro(context: SitrepContext, file: str, macro: str, /, **data: Any) -> str:
    """One macro of `briefings/<file>` as Telegram HTML."""
    return context.services.renderer.render_macro(file, macro, **data)


def trusted(context: SitrepContext, file: str, macro: str, /, **data: Any) -> Markup:
    """A macro's HTML, to be placed inside another template as it is (already escaped)."""
    return Markup(render_macro(context, file, macro, **data))


def plain(context: SitrepContext, file: str, macro: str, /, **data: Any) -> str:
    """A macro as plain text (button labels, button answers, messages sent without HTML)."""
    return html.unescape(render_macro(context, file, macro, **data))


async def reply_macro(
    update: Update,
    context: SitrepContext,
    file: str,
    macro: str,
    /,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
    **data: Any,
) -> Message | None:
    """Reply to this update with one macro of `briefings/<file>`."""
    text = render_macro(context, file, macro, **data)
    return await reply_html(update, context, text, reply_markup=reply_markup)

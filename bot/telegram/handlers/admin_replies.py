"""Replies of the admin handlers: one short message = one macro of a briefings/ file."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from bot.telegram.context import SitrepContext

__all__ = ["plain", "render_macro", "trusted"]


def render_macro(context: SitrepContext, file: str, macro: str, /, **data: Any) -> str:
    """One macro of `briefings/<file>` as Telegram HTML."""
    return context.services.renderer.render_macro(file, macro, **data)


def trusted(context: SitrepContext, file: str, macro: str, /, **data: Any) -> Markup:
    """A macro's HTML, to be placed inside another template as it is (already escaped)."""
    return Markup(render_macro(context, file, macro, **data))


def plain(context: SitrepContext, file: str, macro: str, /, **data: Any) -> str:
    """A macro as plain text (button labels, button answers, messages sent without HTML)."""
    return context.services.renderer.render_plain(file, macro, **data)

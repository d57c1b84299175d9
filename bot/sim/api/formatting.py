"""Checks on what a message carries: its formatted text or caption and its inline keyboard."""

from __future__ import annotations

import re
from typing import Any

from bot.sim.api.errors import MAX_CALLBACK_DATA_BYTES, bad
from bot.sim.api.html import parse_html, utf16_len
from bot.sim.api.htmltags import HtmlParseError
from bot.sim.api.records import clone

_OTHER_BUTTON_KINDS = (
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_NOT_AN_OBJECT = "can't parse inline keyboard button: InlineKeyboardButton must be an Object"


def check_button(button: Any) -> None:
    """Raise Telegram's error for an invalid InlineKeyboardButton."""
    if not isinstance(button, dict):
        raise bad(_NOT_AN_OBJECT)
    if not str(button.get("text") or "").strip():
        raise bad("BUTTON_TEXT_INVALID")
    if "callback_data" in button:
        data = str(button["callback_data"])
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad("BUTTON_DATA_INVALID")
    elif "url" in button:
        url = str(button["url"])
        if not re.match(r"^(https?|tg)://\S+$", url):
            raise bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    elif not any(k in button for k in _OTHER_BUTTON_KINDS):
        raise bad("text buttons are unallowed in the inline keyboard")


def check_markup(markup: Any) -> dict[str, Any] | None:
    """A copy of a valid reply_markup (None for none or an empty inline keyboard)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad(_NOT_AN_OBJECT)
        for row in rows:
            for button in row:
                check_button(button)
        if not any(rows):
            return None
    return clone(markup)


def strip_entities(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace as Telegram does, shifting and clipping entity ranges."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(total, entity["offset"] + entity["length"] - lead)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def _parsed(
    text: str, parse_mode: Any, entities: Any, strict: bool
) -> tuple[str, list[dict[str, Any]]]:
    mode = str(parse_mode or "").lower()
    if entities:
        return text, [dict(e) for e in entities]
    if mode == "html":
        try:
            return parse_html(text, strict=strict)
        except HtmlParseError as exc:
            raise bad(f"can't parse entities: {exc}") from exc
    if mode in ("", "markdown", "markdownv2"):
        # Markdown modes are not parsed by the fake: the text is kept as-is.
        return text, []
    raise bad("unsupported parse_mode")


def formatted(
    text: Any,
    parse_mode: Any,
    entities: Any,
    *,
    strict: bool,
    limit: int,
    too_long: str,
    empty_error: str | None,
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities of a text or caption, checked against Telegram's limits."""
    text = "" if text is None else str(text)
    plain, ents = strip_entities(*_parsed(text, parse_mode, entities, strict))
    if not plain and empty_error:
        raise bad(empty_error)
    if utf16_len(plain) > limit:
        raise bad(too_long)
    return plain, ents

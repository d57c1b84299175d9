"""Text no store can hold, replaced at the edge before any handler sees the update.

JSON may carry lone UTF-16 surrogates (``"\\ud800"``) and NULs; neither can be encoded as UTF-8
(SQLite, every reply) nor stored in PostgreSQL text. Each becomes U+FFFD, one UTF-16 unit for one,
so the offsets of the message's entities still point at the same text.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import Bot, Update

log = logging.getLogger(__name__)

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_value(value: Any) -> Any:
    """`value` with every unstorable character in its strings replaced (same object if none)."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value) if _UNSTORABLE.search(value) else value
    if isinstance(value, dict):
        cleaned = {clean_value(k): clean_value(v) for k, v in value.items()}
        same = len(cleaned) == len(value) and all(cleaned.get(k) is v for k, v in value.items())
        return value if same else cleaned
    if isinstance(value, list):
        items = [clean_value(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def storable(update: Update, bot: Bot) -> Update:
    """`update` itself, or a copy of it whose text is free of lone surrogates and NULs."""
    raw = update.to_dict()
    cleaned = clean_value(raw)
    if cleaned is raw:
        return update
    log.info("update %s: replaced lone surrogates or NULs", update.update_id)
    fixed = Update.de_json(cleaned, bot)
    return fixed if fixed is not None else update

"""What an admin's /push words ask for: today's events, events since a day, some events, a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

MAX_EVENTS = 30  # events in one /push events, at most


class PushUsage(StrEnum):
    """Which usage line answers /push words that do not read."""

    GENERAL = "general"
    SINCE = "since"
    EVENTS = "events"


@dataclass(frozen=True)
class PushRequest:
    """A push to compose: its source ("today", "since", "events", "text") and arguments."""

    source: str
    since: date | None = None
    event_ids: tuple[int, ...] = ()
    text: str | None = None

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments for composing the push."""
        if self.source == "since":
            return {"since": self.since}
        if self.source == "events":
            return {"event_ids": list(self.event_ids)}
        if self.source == "text":
            return {"text": self.text}
        return {}


def _event_ids(rest: str) -> tuple[int, ...] | None:
    ids = [p for p in re.split(r"[,\s]+", rest.strip().replace("#", "")) if p]
    if not ids or not all(i.isdigit() and len(i) < 10 for i in ids):
        return None
    return tuple(int(i) for i in ids)[:MAX_EVENTS]


def parse_push(message: str) -> PushRequest | PushUsage:
    """Read `/push today | since DATE | events IDS | text TEXT` (the whole message text)."""
    raw = message.partition(" ")[2].strip()
    source, _, rest = raw.partition(" ")
    source = source.lower()
    if source == "since":
        try:
            return PushRequest(source, since=date.fromisoformat(rest.strip()))
        except ValueError:
            return PushUsage.SINCE
    if source == "events":
        ids = _event_ids(rest)
        return PushUsage.EVENTS if ids is None else PushRequest(source, event_ids=ids)
    if source == "text":
        text = message.split(None, 2)[2] if len(raw.split()) > 1 else ""
        return PushRequest(source, text=text)
    if source != "today":
        return PushUsage.GENERAL
    return PushRequest(source)

"""The /review buttons' data: "rv:<action>:<draft>" and "rv:into:<draft>:<target>"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.telegram.callbacks import MAX_ROW_ID

QUEUE_PATTERN = r"^rv:"
_QUEUE = re.compile(r"rv:(pub|del|edt|mrg|into):(\d{1,10})(?::(\d{1,10}))?")


class QueueAction(StrEnum):
    """What a /review button does; the value is its code in the data."""

    PUBLISH = "pub"
    DISCARD = "del"
    EDIT = "edt"
    MERGE = "mrg"  # show the events it could merge into
    INTO = "into"  # merge into one of them


@dataclass(frozen=True)
class QueuePress:
    """A press under a draft shown by /review."""

    action: QueueAction
    event_id: int
    target: int | None = None

    def encode(self) -> str:
        """The callback data."""
        data = f"rv:{self.action.value}:{self.event_id}"
        return data if self.target is None else f"{data}:{self.target}"

    @classmethod
    def decode(cls, data: str | None) -> QueuePress | None:
        """The press, or None for anything stale, tampered or unknown."""
        match = _QUEUE.fullmatch(data or "")
        if match is None:
            return None
        action = QueueAction(match.group(1))
        event_id = int(match.group(2))
        target = int(match.group(3)) if match.group(3) is not None else None
        if (action is QueueAction.INTO) != (target is not None):
            return None
        if max(event_id, target or 0) > MAX_ROW_ID:
            return None
        return cls(action, event_id, target)

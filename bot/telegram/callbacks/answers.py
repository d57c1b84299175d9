"""The data of the buttons under an answer: "Subscribe to <place>" and "More"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.telegram.callbacks import MAX_DATA

SUBSCRIBE_PATTERN = r"^sub:"
MORE_PATTERN = r"^more:"

_SUBSCRIBE = re.compile(r"sub:([a-z0-9-]{1,40})")
_MORE = re.compile(r"^more:([0-9a-f]{8})$")


@dataclass(frozen=True)
class SubscribeButton:
    """The "Subscribe to <place>" button under an answer."""

    place_key: str

    def encode(self) -> str:
        """The callback data, "sub:<place key>" (cut to Telegram's limit)."""
        return f"sub:{self.place_key}"[:MAX_DATA]

    @classmethod
    def decode(cls, data: str | None) -> SubscribeButton | None:
        """The subscribe button for well-formed data, else None."""
        match = _SUBSCRIBE.fullmatch(data or "")
        return cls(match.group(1)) if match else None


@dataclass(frozen=True)
class MoreButton:
    """The "More" button of an answer: a token naming the stored next page."""

    token: str

    def encode(self) -> str:
        """The callback data, "more:<token>"."""
        return f"more:{self.token}"

    @classmethod
    def decode(cls, data: str | None) -> MoreButton | None:
        """The "More" button for well-formed data (8 hex digits), else None."""
        match = _MORE.match(data or "")
        return cls(match.group(1)) if match else None

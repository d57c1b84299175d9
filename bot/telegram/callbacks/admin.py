"""The admin buttons' data: /forget's prompt, ingest review, push controls."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.ingest.review import ReviewAction
from bot.telegram.callbacks import MAX_ROW_ID

FORGET_PATTERN = r"^fg:"
REVIEW_PATTERN = r"^ing:"
PUSH_PATTERN = r"^p[cx]:"

_FORGET = re.compile(r"fg:(yes|no)")
_REVIEW = re.compile(r"^ing:(pub|del|one):(\d{1,10})(?::(\d{1,10}))?$")
_PUSH = re.compile(r"^p([cx]):(\d{1,10})$")


class ForgetChoice(StrEnum):
    """The two buttons under the /forget prompt."""

    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class ForgetPress:
    """A press on the /forget prompt: "fg:yes" or "fg:no"."""

    choice: ForgetChoice

    def encode(self) -> str:
        """The callback data."""
        return f"fg:{self.choice.value}"

    @classmethod
    def decode(cls, data: str | None) -> ForgetPress | None:
        """The press, or None for anything but exactly "fg:yes" / "fg:no"."""
        match = _FORGET.fullmatch(data or "")
        return cls(ForgetChoice(match.group(1))) if match else None


@dataclass(frozen=True)
class ReviewPress:
    """A review button: "ing:pub:<article>", "ing:del:<article>", "ing:one:<article>:<event>"."""

    action: ReviewAction
    article_id: int
    event_id: int | None = None

    def encode(self) -> str:
        """The callback data."""
        data = f"ing:{self.action.value}:{self.article_id}"
        return data if self.event_id is None else f"{data}:{self.event_id}"

    @classmethod
    def decode(cls, data: str | None) -> ReviewPress | None:
        """The press, or None when the data does not read."""
        match = _REVIEW.match(data or "")
        if match is None:
            return None
        article_id, event_id = int(match.group(2)), match.group(3)
        event = int(event_id) if event_id is not None else None
        if max(article_id, event or 0) > MAX_ROW_ID:
            return None
        return cls(ReviewAction(match.group(1)), article_id, event)


@dataclass(frozen=True)
class PushPress:
    """Confirm ("pc:<push>") or Cancel ("px:<push>") under a push preview."""

    confirm: bool
    push_id: int

    def encode(self) -> str:
        """The callback data."""
        return f"p{'c' if self.confirm else 'x'}:{self.push_id}"

    @classmethod
    def decode(cls, data: str | None) -> PushPress | None:
        """The press, or None when the data does not read."""
        match = _PUSH.match(data or "")
        if match is None or int(match.group(2)) > MAX_ROW_ID:
            return None
        return cls(match.group(1) == "c", int(match.group(2)))

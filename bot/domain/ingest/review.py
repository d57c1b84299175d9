"""Ingest review rules: which of an article's drafts a review button may publish or discard.

Only admins reach a review (the handler is admin-only). Publish all and discard all act on every
draft the article still has; discard one acts on one draft, and only while it is still a draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.events.model import EventStatus, EventView

ONE_BUTTONS_MAX = 16  # "discard one" buttons under a review, at most
ONE_BUTTONS_PER_ROW = 4


class ReviewAction(StrEnum):
    """What a review button does; the value is its code in the button's data."""

    PUBLISH = "pub"
    DISCARD_ALL = "del"
    DISCARD_ONE = "one"


class ReviewRefusal(StrEnum):
    """Why a review button changes nothing."""

    GONE = "gone"  # discard one: that draft is no longer a draft of the article
    NOTHING_LEFT = "nothing_left"  # the article has no drafts left


@dataclass(frozen=True)
class ReviewPlan:
    """What a review button does: the drafts it acts on and the drafts left to review."""

    action: ReviewAction
    ids: tuple[int, ...]
    remaining: tuple[int, ...]

    @property
    def publishes(self) -> bool:
        """True when the drafts are published (otherwise they are discarded)."""
        return self.action is ReviewAction.PUBLISH

    @property
    def keeps_buttons(self) -> bool:
        """The review keeps its buttons only after discarding one, while drafts remain."""
        return self.action is ReviewAction.DISCARD_ONE and bool(self.remaining)


def drafts_of(events: Iterable[EventView]) -> list[EventView]:
    """The events still waiting for review (drafts), in their order."""
    return [e for e in events if e.status == EventStatus.DRAFT]


def plan_review(
    action: ReviewAction, draft_ids: Sequence[int], event_id: int | None = None
) -> ReviewPlan | ReviewRefusal:
    """What `action` does to an article whose drafts are `draft_ids` (event_id: discard one)."""
    ids = list(draft_ids)
    if action is ReviewAction.DISCARD_ONE:
        if event_id is None or event_id not in ids:
            return ReviewRefusal.GONE
        ids = [event_id]
    if not ids:
        return ReviewRefusal.NOTHING_LEFT
    remaining = tuple(d for d in draft_ids if d not in ids)
    return ReviewPlan(action, tuple(ids), remaining)


def one_button_rows(ids: Sequence[int]) -> list[list[int]]:
    """The draft ids that get a "discard one" button, in rows (at most 16, four a row)."""
    shown = list(ids[:ONE_BUTTONS_MAX])
    return [shown[i : i + ONE_BUTTONS_PER_ROW] for i in range(0, len(shown), ONE_BUTTONS_PER_ROW)]

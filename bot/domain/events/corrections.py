"""When an edit to an event sends readers a correction."""

from __future__ import annotations

from bot.domain.events.model import EventStatus, EventView

# Edits that change what readers were told; a correction goes to every chat that got the event.
CORRECTED_FIELDS = frozenset({"date", "place", "summary", "claim", "precision"})


def needs_correction(before: EventView | None, after: EventView, field: str) -> bool:
    """A published event whose readers were told something this edit of `field` changed."""
    published = before is not None and before.status == EventStatus.PUBLISHED
    return published and field in CORRECTED_FIELDS and before != after


def retraction_corrects(before: EventView | None) -> bool:
    """Retracting an event sends a correction when it had been published."""
    return before is not None and before.status == EventStatus.PUBLISHED

"""What a question retrieves (a filter of published events) and how far the records reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Order = Literal["newest", "oldest"]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What to retrieve: published events within places, dates and full-text term groups."""

    place_keys: frozenset[str] | None = None
    first: date | None = None
    last: date | None = None
    term_groups: tuple[tuple[str, ...], ...] = ()
    match_all: bool = True  # every group must match (else: any group, ranked by relevance)
    statuses: tuple[str, ...] = ("published",)


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far the stored records for an area reach."""

    count: int
    first: date | None
    last: date | None

"""What a question retrieves (a filter of published events) and how far the records reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Order = Literal["newest", "oldest"]
Role = Literal["1", "2", "any"]  # actor 1 (who acted), actor 2 (acted on), or either


@dataclass(frozen=True, slots=True)
class ActorFacet:
    """One actor a search asks for, in a role, by the lowercase names that find it."""

    role: Role
    names: tuple[str, ...]
    # Names matched only in the coded actor fields (a "Government of X" side in UCDP is its
    # forces; in free text a government is rather the one announcing something).
    coded_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What to retrieve: published events within places, dates and full-text term groups."""

    place_keys: frozenset[str] | None = None
    first: date | None = None
    last: date | None = None
    term_groups: tuple[tuple[str, ...], ...] = ()
    match_all: bool = True  # every group must match (else: any group, ranked by relevance)
    statuses: tuple[str, ...] = ("published",)
    # Facets (bot.store.search_facets): an event matches the kinds when its event type or
    # sub-type is one of these, or (when it has no type at all) its text has one of the words.
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    kind_words: tuple[str, ...] = ()
    actors: tuple[ActorFacet, ...] = ()  # every one must match
    lethal: bool = False  # reported fatalities above zero (or, when unknown, "killed" in text)

    @property
    def has_kinds(self) -> bool:
        """Whether the filter asks for kinds of event."""
        return bool(self.event_types or self.sub_event_types or self.kind_words)


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far the stored records for an area reach."""

    count: int
    first: date | None
    last: date | None

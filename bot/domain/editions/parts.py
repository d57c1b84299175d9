"""An edition's parts as plain data for the templates: highlights, lines, sections, trends,
counts and corrections (what `daily.html` and `weekly.html` are fed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.domain.events.model import EventView


@dataclass(frozen=True, slots=True)
class EditionLine:
    """One happening as one concise line: its date, place, text and number of sources."""

    event: EventView
    text: str
    place_label: str
    sources: int
    source_url: str = ""
    area: str = ""  # the section it is under
    mark_unreviewed: bool = False
    highlight: int = 0  # its number among the highlights (0: not one)

    @property
    def date_label(self) -> str:
        """The happening's date at its precision."""
        return self.event.date_label

    @property
    def day(self) -> date:
        """The first day it may have happened on (for chronological order)."""
        return self.event.when.first_day()


@dataclass(frozen=True, slots=True)
class TrendItem:
    """Events of one type in a section, this period against the one before."""

    event_type: str
    now: int
    before: int
    direction: str  # "more" | "fewer" | "similar"


@dataclass(frozen=True, slots=True)
class EditionSection:
    """Events under one first-level subdivision (or a country), in date order."""

    name: str
    lines: tuple[EditionLine, ...]
    trend: tuple[TrendItem, ...] = ()
    more: int = 0


@dataclass(frozen=True, slots=True)
class CountRow:
    """A weekly edition's count of events in one area, by type."""

    area: str
    total: int
    by_type: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Correction:
    """An event readers were told about earlier that changed since the last edition."""

    event: EventView
    retracted: bool


@dataclass(frozen=True, slots=True)
class EditionBody:
    """The structured part of an edition (highlights, sections, counts, corrections)."""

    highlights: tuple[EditionLine, ...] = ()
    sections: tuple[EditionSection, ...] = ()
    background: tuple[EditionLine, ...] = ()
    corrections: tuple[Correction, ...] = ()
    counts: tuple[CountRow, ...] = ()
    types: tuple[str, ...] = ()
    more: int = 0  # lines left out beyond the edition's limit
    flash: int = 0
    unreviewed_note: bool = False
    new_figures: frozenset[int] = field(default_factory=frozenset)
    news: tuple[EventView, ...] = ()  # every happening of the period (merged twins left out)

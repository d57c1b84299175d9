"""Stored events as plain records, and the pure rules that turn them into views.

The store reads rows (ORM rows or plain records); the domain turns them into `EventView`s with
`event_view`. Actors are stored joined by `ACTOR_SEP`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Protocol

from bot.domain.events.model import (
    ClaimStatus,
    EventStatus,
    EventView,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.questions.timetypes import FuzzyDate, Precision

ACTOR_SEP = "; "


@lru_cache(maxsize=4096)
def actors_text(actors: tuple[str, ...]) -> str:
    """Actors as stored: stripped, blanks dropped, joined by "; " (imports repeat them a lot)."""
    return ACTOR_SEP.join([a.strip() for a in actors if a.strip()])


def split_actors(text: str) -> tuple[str, ...]:
    """Actors as stored ("; "-joined) back into a tuple."""
    return tuple(a for a in text.split(ACTOR_SEP) if a)


def first_report(sources: Iterable[SourceInfo], fallback: datetime) -> tuple[datetime, date | None]:
    """When an event was first reported: its earliest source, else when it was stored.

    The second value is the date when the earliest report is known only by its date.
    """
    best: tuple[datetime, date | None] | None = None
    for src in sources:
        if src.published_at is not None:
            cand: tuple[datetime, date | None] = (src.published_at.astimezone(UTC), None)
        elif src.published_on is not None:
            cand = (datetime.combine(src.published_on, time(0), UTC), src.published_on)
        else:
            continue
        if best is None or cand[0] < best[0]:
            best = cand
    return best if best is not None else (fallback, None)


@dataclass(frozen=True, slots=True)
class AddResult:
    """What storing a draft did: a new event, or a source added to an existing one."""

    event: EventView
    created: bool
    merged: bool = False
    updated: bool = False


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One source of an event, as stored."""

    outlet: str
    url: str
    title: str
    published_at: datetime | None
    published_on: date | None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """The columns of one event that readers see, with its sources (oldest first)."""

    id: int
    summary: str
    date_start: date
    date_end: date | None
    date_precision: str
    place_key: str | None
    place_text: str
    location_precision: str
    actors_text: str
    event_type: str
    sub_event_type: str
    severity: str
    claim_status: str
    claim_note: str
    fatalities: int | None
    status: str
    retract_reason: str | None
    origin: str
    reviewed: bool
    external_key: str | None
    reported_at: datetime
    created_at: datetime
    updated_at: datetime
    actor1_text: str
    actor2_text: str
    injuries: int | None
    excerpt: str
    merged_into: int | None
    sources: tuple[SourceRecord, ...] = field(default=(), kw_only=True)


class StoredSource(Protocol):
    """A source as stored (an ORM row, or a plain record read without the ORM)."""

    @property
    def outlet(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def published_on(self) -> date | None: ...


class StoredEvent(Protocol):
    """An event's stored columns and sources (an ORM row, or a plain record)."""

    @property
    def id(self) -> int: ...
    @property
    def summary(self) -> str: ...
    @property
    def date_start(self) -> date: ...
    @property
    def date_end(self) -> date | None: ...
    @property
    def date_precision(self) -> str: ...
    @property
    def place_key(self) -> str | None: ...
    @property
    def place_text(self) -> str: ...
    @property
    def location_precision(self) -> str: ...
    @property
    def actors_text(self) -> str: ...
    @property
    def event_type(self) -> str: ...
    @property
    def sub_event_type(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def claim_status(self) -> str: ...
    @property
    def claim_note(self) -> str: ...
    @property
    def fatalities(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def retract_reason(self) -> str | None: ...
    @property
    def origin(self) -> str: ...
    @property
    def reviewed(self) -> bool: ...
    @property
    def external_key(self) -> str | None: ...
    @property
    def reported_at(self) -> datetime: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def actor1_text(self) -> str: ...
    @property
    def actor2_text(self) -> str: ...
    @property
    def injuries(self) -> int | None: ...
    @property
    def excerpt(self) -> str: ...
    @property
    def merged_into(self) -> int | None: ...
    @property
    def sources(self) -> Sequence[StoredSource]: ...


def event_view(row: StoredEvent, place_name: str | None) -> EventView:
    """The plain view of a stored event; `place_name` is its place's name (else as written)."""
    return EventView(
        id=row.id,
        summary=row.summary,
        when=FuzzyDate(row.date_start, Precision(row.date_precision), row.date_end),
        place_key=row.place_key,
        place_text=row.place_text,
        place_name=place_name or row.place_text,
        location_precision=LocationPrecision(row.location_precision),
        actors=tuple(a for a in row.actors_text.split(ACTOR_SEP) if a),
        event_type=row.event_type,
        sub_event_type=row.sub_event_type,
        severity=Severity(row.severity),
        claim_status=ClaimStatus(row.claim_status),
        claim_note=row.claim_note,
        fatalities=row.fatalities,
        status=EventStatus(row.status),
        retract_reason=row.retract_reason,
        origin=Origin(row.origin),
        reviewed=row.reviewed,
        external_key=row.external_key,
        reported_at=row.reported_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        sources=tuple(
            SourceInfo(s.outlet, s.url, s.title, s.published_at, s.published_on)
            for s in row.sources
        ),
        actor1=split_actors(row.actor1_text),
        actor2=split_actors(row.actor2_text),
        injuries=row.injuries,
        excerpt=row.excerpt,
        merged_into=row.merged_into,
    )

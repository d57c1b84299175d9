"""Plain data the event services hand around: never ORM rows, never Telegram objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.questions.timetypes import FuzzyDate


class Severity(StrEnum):
    """How much an event matters to readers."""

    ROUTINE = "routine"
    NOTABLE = "notable"
    FLASH = "flash"


class ClaimStatus(StrEnum):
    """How firm the account is."""

    REPORTED = "reported"
    CLAIMED = "claimed"
    DENIED = "denied"
    CONFIRMED = "confirmed"


class EventStatus(StrEnum):
    """Where an event is in its life."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETRACTED = "retracted"


class LocationPrecision(StrEnum):
    """How exactly the place is known."""

    EXACT = "exact"
    NEAR = "near"
    REGION = "region"


class Origin(StrEnum):
    """Where an event came from."""

    ADMIN = "admin"
    INGEST = "ingest"
    IMPORT = "import"


SEVERITY_RANK = {Severity.FLASH: 0, Severity.NOTABLE: 1, Severity.ROUTINE: 2}


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where an event was reported."""

    outlet: str
    url: str = ""
    title: str = ""
    published_at: datetime | None = None
    published_on: date | None = None

    @property
    def published_day(self) -> date | None:
        """The publication date, from the instant or the date, whichever is known."""
        if self.published_on is not None:
            return self.published_on
        return self.published_at.date() if self.published_at is not None else None


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event about to be stored (from an admin, an article or an import)."""

    summary: str
    when: FuzzyDate
    place_key: str | None = None
    place_text: str = ""
    location_precision: LocationPrecision = LocationPrecision.EXACT
    actors: tuple[str, ...] = ()
    event_type: str = ""
    sub_event_type: str = ""
    severity: Severity = Severity.ROUTINE
    claim_status: ClaimStatus = ClaimStatus.REPORTED
    claim_note: str = ""
    fatalities: int | None = None
    sources: tuple[SourceInfo, ...] = ()
    actor1: tuple[str, ...] = ()
    actor2: tuple[str, ...] = ()
    injuries: int | None = None
    excerpt: str = ""
    external_key: str | None = None
    origin: Origin = Origin.ADMIN
    status: EventStatus = EventStatus.PUBLISHED
    reviewed: bool = True


@dataclass(frozen=True, slots=True)
class EventView:
    """A stored event as readers and admins see it."""

    id: int
    summary: str
    when: FuzzyDate
    place_key: str | None
    place_text: str
    place_name: str
    location_precision: LocationPrecision
    actors: tuple[str, ...]
    event_type: str
    sub_event_type: str
    severity: Severity
    claim_status: ClaimStatus
    claim_note: str
    fatalities: int | None
    status: EventStatus
    retract_reason: str | None
    origin: Origin
    reviewed: bool
    external_key: str | None
    reported_at: datetime
    created_at: datetime
    updated_at: datetime
    sources: tuple[SourceInfo, ...] = field(default=())
    actor1: tuple[str, ...] = ()
    actor2: tuple[str, ...] = ()
    injuries: int | None = None
    excerpt: str = ""
    merged_into: int | None = None

    @property
    def date_label(self) -> str:
        """The date at its precision: "8 Jul 2021", "Feb 2021", "week of 5 Jul 2021"."""
        return self.when.label()

    @property
    def place_unresolved(self) -> bool:
        """The place was kept as written because the gazetteer does not know it."""
        return self.place_key is None and bool(self.place_text)


__all__ = [
    "SEVERITY_RANK",
    "ClaimStatus",
    "EventDraft",
    "EventStatus",
    "EventView",
    "LocationPrecision",
    "Origin",
    "Severity",
    "SourceInfo",
]

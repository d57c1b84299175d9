"""The editions' data: audiences, composed editions, key figures, pushes and their recipients
(plain values the domain services and the store pass each other)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from bot.domain.editions.parts import EditionBody
from bot.domain.editions.schedule import zone_of
from bot.domain.events.model import EventView


@dataclass(frozen=True, slots=True)
class Audience:
    """What makes two subscribers' editions identical: filters, window and zone."""

    places: tuple[str, ...]
    event_types: tuple[str, ...]
    timezone: str
    window_start: datetime
    window_end: datetime
    empty_note: bool = True
    weekly: bool = False

    @property
    def key(self) -> str:
        """A stable hash naming this audience's edition."""
        raw = "|".join(
            [
                ",".join(sorted(self.places)),
                ",".join(sorted(self.event_types)),
                self.timezone,
                self.window_start.astimezone(UTC).isoformat(),
                self.window_end.astimezone(UTC).isoformat(),
                "1" if self.empty_note else "0",
                *(["weekly"] if self.weekly else []),
            ]
        )
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def zone(self) -> tzinfo:
        """The audience's zone."""
        return zone_of(self.timezone)

    @property
    def local_date(self) -> date:
        """The local date the edition is for (the day its window ends)."""
        return self.window_end.astimezone(self.zone).date()


@dataclass(frozen=True, slots=True)
class FigureView:
    """A key figure for the briefing."""

    id: int
    text: str
    as_of: date
    source: str
    created_at: datetime | None = None

    @property
    def as_of_label(self) -> str:
        """ "9 Jul 2021"."""
        return f"{self.as_of.day} {self.as_of:%b %Y}"


@dataclass(frozen=True, slots=True)
class EditionData:
    """Everything daily.html and weekly.html need."""

    date_label: str
    zone_label: str
    window_label: str
    scope_label: str
    body: EditionBody
    figures: tuple[FigureView, ...]
    more: int = 0
    title: str = "Sitrep daily briefing"
    weekly: bool = False
    first_day_label: str = ""

    @property
    def events(self) -> list[EventView]:
        """Every event the edition shows (sections, then background)."""
        return [ln.event for s in self.body.sections for ln in s.lines] + [
            ln.event for ln in self.body.background
        ]

    @property
    def event_count(self) -> int:
        """News events shown (background not counted)."""
        return sum(len(s.lines) for s in self.body.sections)

    @property
    def is_empty(self) -> bool:
        """Nothing reported in the window."""
        return not self.body.sections and not self.body.background and not self.body.corrections


@dataclass(frozen=True, slots=True)
class EditionFile:
    """A picture (or document) sent with an edition: stored once, sent to each of its chats."""

    filename: str
    content: bytes
    caption: str = ""
    kind: str = "photo"


@dataclass(frozen=True, slots=True)
class EditionExport:
    """A stored edition as a chat got it: its text parts and pictures (for a PDF)."""

    kind: str
    local_date: date
    parts: tuple[str, ...]
    pictures: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class NewEdition:
    """A rendered edition to store once (by its key) with its parts and the events it carries."""

    key: str
    kind: str
    local_date: date
    timezone: str
    window_start: datetime
    window_end: datetime
    parts: Sequence[str]
    events: Sequence[EventView]
    now: datetime
    files: Sequence[EditionFile] = ()


@dataclass
class TickReport:
    """What one scheduler tick did."""

    due: int = 0
    enqueued: int = 0
    editions_rendered: int = 0
    skipped_missed: int = 0
    skipped_empty: int = 0
    audiences: set[str] = field(default_factory=set)


# id, chat_id, thread_id, delivery_minute, timezone, places, event_types, empty_note,
# next_due_at, last_window_end, chat type, weekly day (None: daily)
DueRow = tuple[
    int,
    int,
    int | None,
    int,
    str,
    str,
    str,
    bool,
    datetime,
    datetime | None,
    str | None,
    int | None,
]

# dedupe_key, chat_id, chat_type, thread_id, edition_id, part_no: one queued edition part
EditionPart = tuple[str, int, str, int | None, int, int]

# (due, next due, window end) -> the subscriptions to move on, if still due then
Advances = dict[tuple[datetime, datetime, datetime], list[int]]


@dataclass(frozen=True, slots=True)
class Recipient:
    """One chat a message goes to."""

    chat_id: int
    chat_type: str
    thread_id: int | None
    quiet_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Subscriber:
    """An active subscription as a push's audience sees it."""

    chat_id: int
    chat_type: str
    thread_id: int | None
    places: tuple[str, ...]
    flash_alerts: bool
    timezone: str
    quiet_start: int | None
    quiet_end: int | None


@dataclass(frozen=True, slots=True)
class SentCopy:
    """A chat that got an event, and the message that carried it."""

    chat_id: int
    chat_type: str
    thread_id: int | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class PushView:
    """A push as plain data."""

    id: int
    kind: str
    status: str
    audience: str
    created_by: int
    parts: tuple[str, ...]
    recipients: int
    event_id: int | None = None


@dataclass(frozen=True, slots=True)
class NewPush:
    """A push to store as a preview, with its edition."""

    kind: str
    audience: str
    event_id: int | None
    created_by: int
    created_at: datetime
    admin_chat_id: int | None


@dataclass(frozen=True, slots=True)
class Confirmed:
    """A preview just confirmed: the edition its parts are in."""

    edition_id: int | None


@dataclass(frozen=True, slots=True)
class Progress:
    """Delivery state of a confirmed push."""

    total: int
    sent: int
    failed: int
    cancelled: int
    remaining: int
    status: str

    @property
    def done(self) -> bool:
        """Nothing left to send."""
        return self.remaining == 0

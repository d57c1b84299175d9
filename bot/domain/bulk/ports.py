"""What bulk import and export need from storage, and the errors the store reports them with."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Protocol

from bot.domain.clock import Clock
from bot.domain.events.model import EventDraft, EventStatus, EventView
from bot.domain.events.records import AddResult
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind


class StoreRefused(Exception):
    """The store could not store a batch (e.g. a key stored meanwhile); the driver's message."""


class PlaceRefused(ValueError):
    """The store would not add a place (bad name, coordinates or parent)."""


class WriterFailed(Exception):
    """A writer process could not store a batch (nothing of it was stored); `kind` names why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


# Sends a prepared batch to the writer; awaiting the answer gives the batch's event ids in order.
SendBatch = Callable[[], Awaitable[list[int]]]


class BatchWriter(Protocol):
    """Stores batches of new events while the importer parses the next (a SQLite writer
    process, a PostgreSQL connection of its own)."""

    def prepare(self, drafts: Sequence[EventDraft]) -> SendBatch:
        """Build a batch of new events now; send it later (sending raises WriterFailed)."""
        ...

    async def close(self) -> None:
        """Let the writer finish the batch in hand and stop."""
        ...


class BulkStore(Protocol):
    """The event store and the places as bulk import and export use them."""

    async def stored(self, keys: Sequence[str]) -> dict[str, EventView]:
        """The stored events with these external keys."""
        ...

    async def insert_new(self, drafts: Sequence[EventDraft]) -> list[int]:
        """Insert drafts whose keys are not stored, all or none (StoreRefused); ids in order."""
        ...

    async def add_many(self, drafts: Sequence[EventDraft]) -> list[AddResult]:
        """Store drafts by key in one transaction, all or none (StoreRefused)."""
        ...

    async def add(self, draft: EventDraft) -> AddResult:
        """Store one draft by key (StoreRefused)."""
        ...

    async def set_status(
        self, ids: Sequence[int], status: EventStatus, *, reason: str | None = None
    ) -> list[EventView]:
        """Publish, retract (with a reason) or return events to draft."""
        ...

    async def list_events(
        self, *, statuses: Iterable[EventStatus], limit: int, offset: int
    ) -> list[EventView]:
        """A page of events in these statuses, newest first."""
        ...

    async def add_place(
        self,
        name: str,
        *,
        kind: PlaceKind,
        parent_key: str | None,
        lat: float | None,
        lon: float | None,
    ) -> Place:
        """Add a place to the gazetteer and the store (PlaceRefused when it cannot be)."""
        ...

    def open_writer(self) -> BatchWriter | None:
        """A writer for new events running beside the importer, when the store has one."""
        ...


class BulkServices(Protocol):
    """What an import or an export is handed: the clock, the gazetteer and the store."""

    @property
    def clock(self) -> Clock:
        """The clock (today's date for rows that give none)."""
        ...

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer the rows' places are resolved in."""
        ...

    @property
    def bulk(self) -> BulkStore:
        """The store."""
        ...

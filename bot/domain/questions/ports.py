"""What answering questions needs from storage: reads of events on one connection, and the
facts of many events at once (counts, sums, rankings)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from bot.domain.events.filters import Coverage, EventFilter, Order
from bot.domain.events.records import EventRecord


class EventReads(Protocol):
    """Read-only event queries on one connection (see EventReader.reads)."""

    async def search(
        self, flt: EventFilter, *, limit: int, offset: int = 0, order: Order = "newest"
    ) -> list[int]:
        """Ids of matching events, one page (`limit` from `offset`) in the order asked."""
        ...

    async def coverage(self, place_keys: frozenset[str] | None) -> Coverage:
        """Count and date range of published events within places (all places when None)."""
        ...

    async def load(self, ids: Sequence[int]) -> list[EventRecord]:
        """Events by id with their sources, in the order given (missing ids skipped)."""
        ...


class EventReader(Protocol):
    """Opens reads of events for one answer."""

    def reads(self) -> AbstractAsyncContextManager[EventReads]:
        """Reads on one connection, released when the block ends."""
        ...


@dataclass(frozen=True, slots=True)
class EventFact:
    """What counts, sums and rankings need of one event."""

    id: int
    event_type: str
    sub_event_type: str
    place_key: str | None
    fatalities: int | None


class EventFacts(Protocol):
    """The facts of events by id, for counts, sums of fatalities and rankings."""

    async def facts(self, ids: Sequence[int]) -> list[EventFact]:
        """One fact per stored event among the ids (any order)."""
        ...

    async def source_counts(self, ids: Sequence[int]) -> dict[int, int]:
        """For events with others merged into them: all their sources, counted."""
        ...

"""New events' rows as plain tuples straight from their drafts, for bulk inserts and COPY.

The values are those of ``bot.store.event_rows.row_values`` (the ORM path's), in the order of
EVENT_COLUMNS; an import repeats actors, sources and dates thousands of times, so each distinct
one is worked out once per batch instead of building a dict of 31 values per row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table

from bot.domain.events.model import (
    ClaimStatus,
    EventDraft,
    EventStatus,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.events.records import actors_text, first_report
from bot.domain.questions.timetypes import FuzzyDate, Precision
from bot.store.models.events import EventRow, SourceRow

EVENT_COLUMNS = (
    "summary", "date_start", "date_end", "date_last", "date_precision", "place_key",
    "place_text", "location_precision", "actors_text", "event_type", "sub_event_type",
    "severity", "claim_status", "claim_note", "fatalities", "actor1_text", "actor2_text",
    "injuries", "excerpt", "external_key", "origin", "status", "reviewed", "retract_reason",
    "merged_into", "reported_at", "reported_on", "created_at", "updated_at", "created_by",
    "updated_by",
)  # fmt: skip
# sources' columns after event_id (a new source's event is named by the caller)
SOURCE_COLUMNS = ("outlet", "url", "title", "published_at", "published_on", "article_id")

_EVENTS = cast(Table, EventRow.__table__)
_SOURCES = cast(Table, SourceRow.__table__)
if set(EVENT_COLUMNS) != {c.name for c in _EVENTS.columns} - {"id"}:
    raise RuntimeError("EVENT_COLUMNS must name every column of events but id")
if set(SOURCE_COLUMNS) != {c.name for c in _SOURCES.columns} - {"id", "event_id"}:
    raise RuntimeError("SOURCE_COLUMNS must name every column of sources but id and event_id")


# columns whose values a dialect may convert when binding them (dates, times, booleans); the
# sources' published_at/published_on share names with no events column
_BOUND = frozenset(
    {"date_start", "date_end", "date_last", "reviewed", "reported_at", "reported_on"}
    | {"created_at", "updated_at", "published_at", "published_on"}
)
# enum members' values (an Enum's .value is a property: a dict is quicker, once per column)
_VALUES: dict[Enum, str] = {
    m: str(m.value)
    for e in (Precision, LocationPrecision, Severity, ClaimStatus, Origin, EventStatus)
    for m in e
}


MEMO_LIMIT = 100_000  # entries per memo before it starts afresh (bounded memory)
_UNKNOWN: Any = object()  # a draft's sources not seen yet


class DraftTuples:
    """Converts drafts into event and source tuples, batch after batch (`batch` sets the
    batch's `now` and author; what it remembers holds across batches).

    With `binds` (column name to its bind processor, bot.store.bulkinsert.ColumnValues), the
    values come out as the dialect binds them: dates and times converted once per distinct one.
    """

    def __init__(
        self,
        now: datetime,
        by: int | None,
        binds: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        self._binds = dict(binds or {})
        self._bound: dict[tuple[str, Any], Any] = {}
        unknown = set(self._binds) - _BOUND
        if unknown:
            raise ValueError(f"no bind conversion here for {sorted(unknown)}")
        self._now, self._by, self._fallback = self._bind("created_at", now), by, now
        self._reviewed = {b: self._bind("reviewed", b) for b in (True, False)}
        self._actors: dict[tuple[str, ...], str] = {}
        # the first report of a draft's sources; None when they give no date (then: `now`)
        self._reports: dict[tuple[SourceInfo, ...], tuple[Any, Any] | None] = {}
        self._whens: dict[FuzzyDate, tuple[Any, Any, Any, str]] = {}
        self._sources: dict[tuple[SourceInfo, ...], list[tuple[Any, ...]]] = {}

    def batch(self, now: datetime, by: int | None) -> DraftTuples:
        """Start a batch stored at `now` by `by` (memos grown too large start afresh)."""
        self._now, self._by, self._fallback = self._bind("created_at", now), by, now
        for memo in (self._bound, self._actors, self._reports, self._whens, self._sources):
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
        return self

    def _bind(self, column: str, value: Any) -> Any:
        proc = self._binds.get(column)
        if proc is None or value is None:
            return value
        key = (column, value)
        found = self._bound.get(key)
        if found is None:
            found = self._bound[key] = proc(value)
        return found

    def _actors_text(self, actors: tuple[str, ...]) -> str:
        found = self._actors.get(actors)
        if found is None:
            found = self._actors[actors] = actors_text(actors)
        return found

    def event(self, d: EventDraft) -> tuple[Any, ...]:
        """A draft's events row, in EVENT_COLUMNS order."""
        when = self._whens.get(d.when)
        if when is None:
            w, bind = d.when, self._bind
            when = self._whens[w] = (
                bind("date_start", w.start),
                bind("date_end", w.end),
                bind("date_last", w.last_day()),
                _VALUES[w.precision],
            )
        sources = d.sources
        report = self._reports.get(sources, _UNKNOWN)
        if report is _UNKNOWN:
            at, on = first_report(sources, self._fallback)
            report = None if at is self._fallback else (
                self._bind("reported_at", at), self._bind("reported_on", on)
            )  # fmt: skip
            self._reports[sources] = report
        if report is None:
            report = (self._bind("reported_at", self._fallback), None)
        now, by, value = self._now, self._by, _VALUES
        return (
            d.summary.strip(), when[0], when[1], when[2], when[3], d.place_key,
            d.place_text[:255], value[d.location_precision], self._actors_text(d.actors),
            d.event_type[:64], d.sub_event_type[:96], value[d.severity], value[d.claim_status],
            d.claim_note[:255], d.fatalities, self._actors_text(d.actor1),
            self._actors_text(d.actor2), d.injuries, d.excerpt, d.external_key, value[d.origin],
            value[d.status], self._reviewed[d.reviewed], None, None, report[0], report[1], now,
            now, by, by,
        )  # fmt: skip

    def sources(self, d: EventDraft) -> list[tuple[Any, ...]]:
        """A draft's sources rows (each outlet and URL once), in SOURCE_COLUMNS order."""
        found = self._sources.get(d.sources)
        if found is None:
            seen: set[tuple[str, str]] = set()
            found = []
            for s in d.sources:
                k = (s.outlet[:255], s.url)
                if k not in seen:
                    seen.add(k)
                    at = self._bind("published_at", s.published_at)
                    on = self._bind("published_on", s.published_on)
                    found.append((k[0], s.url, s.title, at, on, None))
            self._sources[d.sources] = found
        return found

"""New events' rows as plain tuples straight from their drafts, for bulk inserts and COPY.

The values are those of ``bot.store.event_rows.row_values`` (the ORM path's), in the order of
EVENT_COLUMNS; an import repeats actors, sources and dates thousands of times, so each distinct
one is worked out once per batch instead of building a dict of 31 values per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table

from bot.domain.events.model import EventDraft, SourceInfo
from bot.domain.events.records import actors_text, first_report
from bot.domain.questions.timetypes import FuzzyDate
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


class DraftTuples:
    """Converts drafts of one batch (one `now`, one author) into event and source tuples."""

    def __init__(self, now: datetime, by: int | None) -> None:
        self._now, self._by = now, by
        self._actors: dict[tuple[str, ...], str] = {}
        self._reports: dict[tuple[SourceInfo, ...], tuple[datetime, date | None]] = {}
        self._days: dict[FuzzyDate, date] = {}

    def _actors_text(self, actors: tuple[str, ...]) -> str:
        found = self._actors.get(actors)
        if found is None:
            found = self._actors[actors] = actors_text(actors)
        return found

    def event(self, d: EventDraft) -> tuple[Any, ...]:
        """A draft's events row, in EVENT_COLUMNS order."""
        when = d.when
        last = self._days.get(when)
        if last is None:
            last = self._days[when] = when.last_day()
        report = self._reports.get(d.sources)
        if report is None:
            report = self._reports[d.sources] = first_report(d.sources, self._now)
        now, by = self._now, self._by
        return (
            d.summary.strip(), when.start, when.end, last, when.precision.value, d.place_key,
            d.place_text[:255], d.location_precision.value, self._actors_text(d.actors),
            d.event_type[:64], d.sub_event_type[:96], d.severity.value, d.claim_status.value,
            d.claim_note[:255], d.fatalities, self._actors_text(d.actor1),
            self._actors_text(d.actor2), d.injuries, d.excerpt, d.external_key, d.origin.value,
            d.status.value, d.reviewed, None, None, report[0], report[1], now, now, by, by,
        )  # fmt: skip

    @staticmethod
    def sources(d: EventDraft) -> Iterator[tuple[Any, ...]]:
        """A draft's sources rows (each outlet and URL once), in SOURCE_COLUMNS order."""
        seen: set[tuple[str, str]] = set()
        for s in d.sources:
            k = (s.outlet[:255], s.url)
            if k not in seen:
                seen.add(k)
                yield (k[0], s.url, s.title, s.published_at, s.published_on, None)

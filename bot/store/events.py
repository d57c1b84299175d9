"""The event store: add (merging duplicates), read, edit, publish and retract event summaries."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any, Protocol, cast

from rapidfuzz import fuzz
from sqlalchemy import Select, Table, delete, func, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.domain.clock import Clock
from bot.domain.events.model import (
    ClaimStatus,
    EventDraft,
    EventStatus,
    EventView,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.questions.timewords import FuzzyDate, Precision
from bot.store.bulkinsert import RowWriter
from bot.store.fulltext import INDEX_FROM_SQL, INSERT_TRIGGER, deferred_fulltext
from bot.store.models.events import EventRow, SourceRow
from bot.store.session import sqlite_engine
from bot.store.sqlitewriter import Batch

log = logging.getLogger(__name__)

MERGE_SIMILARITY = 72.0
ACTOR_SEP = "; "
EDITABLE_FIELDS = frozenset(
    {
        "summary",
        "when",
        "place_key",
        "place_text",
        "location_precision",
        "actors",
        "event_type",
        "sub_event_type",
        "severity",
        "claim_status",
        "claim_note",
        "fatalities",
    }
)


class EventNotFound(LookupError):
    """No event has that id."""


@dataclass(frozen=True, slots=True)
class AddResult:
    """What storing a draft did: a new event, or a source added to an existing one."""

    event: EventView
    created: bool
    merged: bool = False
    updated: bool = False


@lru_cache(maxsize=4096)
def actors_text(actors: tuple[str, ...]) -> str:
    """Actors as stored: stripped, blanks dropped, joined by "; " (imports repeat them a lot)."""
    return ACTOR_SEP.join([a.strip() for a in actors if a.strip()])


def _fuzzy(row: EventRow) -> FuzzyDate:
    return FuzzyDate(row.date_start, Precision(row.date_precision), row.date_end)


def _span(when: FuzzyDate) -> tuple[date, date]:
    return when.first_day(), when.last_day()


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


def _set_report(row: EventRow) -> None:
    row.reported_at, row.reported_on = first_report(
        (source_from_row(s) for s in row.sources), row.created_at
    )


def source_from_row(row: SourceRow) -> SourceInfo:
    """A SourceInfo from its row."""
    return SourceInfo(
        outlet=row.outlet,
        url=row.url,
        title=row.title,
        published_at=row.published_at,
        published_on=row.published_on,
    )


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
    )


class EventStore:
    """Stores and reads events; every call is its own unit of work and returns plain data."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        place_name: Any = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._place_name = place_name or (lambda key: None)
        self._bulk_writers: tuple[RowWriter, RowWriter] | None = None
        self._process_writers: tuple[RowWriter, RowWriter] | None = None

    # ---- reading -------------------------------------------------------------------------

    def view(self, row: EventRow) -> EventView:
        """Turn a row (with its sources loaded) into plain data."""
        place_name = self._place_name(row.place_key) if row.place_key else None
        return event_view(row, place_name)

    async def get(self, event_id: int) -> EventView | None:
        """One event by id, in any status."""
        async with self._sessions() as session:
            row = await session.get(EventRow, event_id, options=[selectinload(EventRow.sources)])
            return self.view(row) if row is not None else None

    async def get_many(self, ids: Sequence[int]) -> list[EventView]:
        """Events by id, in the order given (missing ids skipped)."""
        if not ids:
            return []
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(EventRow)
                    .where(EventRow.id.in_(list(ids)))
                    .options(selectinload(EventRow.sources))
                )
            ).all()
        by_id = {r.id: self.view(r) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    async def list_events(
        self,
        *,
        place_keys: Iterable[str] | None = None,
        statuses: Iterable[EventStatus] = (EventStatus.PUBLISHED,),
        limit: int = 10,
        offset: int = 0,
    ) -> list[EventView]:
        """Events newest first, optionally within places and statuses."""
        stmt: Select[EventRow] = select(EventRow).where(
            EventRow.status.in_([s.value for s in statuses])
        )
        if place_keys is not None:
            stmt = stmt.where(EventRow.place_key.in_(list(place_keys)))
        stmt = (
            stmt.order_by(EventRow.date_start.desc(), EventRow.id.desc())
            .limit(limit)
            .offset(offset)
            .options(selectinload(EventRow.sources))
        )
        async with self._sessions() as session:
            rows = (await session.scalars(stmt)).all()
            return [self.view(r) for r in rows]

    async def for_article(self, article_id: int) -> list[EventView]:
        """Events with a source from this article, oldest id first."""
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(EventRow)
                    .join(SourceRow, SourceRow.event_id == EventRow.id)
                    .where(SourceRow.article_id == article_id)
                    .distinct()
                    .order_by(EventRow.id)
                    .options(selectinload(EventRow.sources))
                )
            ).all()
            return [self.view(r) for r in rows]

    async def stored_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these external keys are stored (one query with one parameter, any count)."""
        if not keys:
            return set()
        bind = sqlite_engine(self._sessions)
        if bind is not None:
            # On the driver, outside a transaction: no write lock, so an import's lookup does
            # not wait for its writer process to commit the previous batch.
            async with bind.connect() as conn:
                raw = await conn.get_raw_connection()
                driver: Any = raw.driver_connection  # aiosqlite's
                found = await driver.execute_fetchall(
                    "SELECT external_key FROM events "
                    "WHERE external_key IN (SELECT value FROM json_each(?))",
                    (json.dumps(list(keys)),),
                )
            return {row[0] for row in found}
        async with self._sessions() as session:
            result = await session.execute(
                text("SELECT external_key FROM events WHERE external_key = ANY(:keys)"),
                {"keys": list(keys)},
            )
            return {row[0] for row in result}

    async def count(self, *, statuses: Iterable[EventStatus] | None = None) -> int:
        """How many events are stored (optionally in some statuses)."""
        stmt = select(func.count(EventRow.id))
        if statuses is not None:
            stmt = stmt.where(EventRow.status.in_([s.value for s in statuses]))
        async with self._sessions() as session:
            return int(await session.scalar(stmt) or 0)

    # ---- writing -------------------------------------------------------------------------

    async def add(self, draft: EventDraft, *, by: int | None = None) -> AddResult:
        """Store a draft: update by external key, merge into the same stored event, or insert."""
        async with self._sessions.begin() as session:
            result = await self._add(session, draft, by)
        return result

    async def add_many(
        self, drafts: Sequence[EventDraft], *, by: int | None = None
    ) -> list[AddResult]:
        """Store several drafts in one transaction (all or nothing).

        Drafts with an external key (imports) are looked up in one query and flushed once, so
        a batch costs a few round trips instead of two per row.
        """
        keys = [d.external_key for d in drafts if d.external_key]
        async with self._sessions.begin() as session:
            known: dict[str, EventRow] = {}
            if keys:
                rows = await session.scalars(
                    select(EventRow)
                    .where(EventRow.external_key.in_(keys))
                    .options(selectinload(EventRow.sources))
                )
                known = {r.external_key: r for r in rows.all() if r.external_key}
            results: list[AddResult | None] = []
            fresh: list[tuple[int, EventDraft]] = []
            fresh_keys: set[str] = set()
            now = self._clock.now()
            for draft in drafts:
                key = draft.external_key
                if not key:
                    results.append(await self._add(session, draft, by))
                    continue
                row = known.get(key)
                if row is not None:
                    changed = self._apply(row, draft, now, by)
                    if self._add_sources(row, draft.sources):
                        _set_report(row)
                    results.append(AddResult(self.view(row), created=False, updated=changed))
                    continue
                if key in fresh_keys:
                    raise ValueError(f"external key {key!r} twice in one batch")
                fresh_keys.add(key)
                fresh.append((len(results), draft))
                results.append(None)
            await session.flush()
            for index, view in zip(
                (i for i, _ in fresh),
                await self._insert_new(session, [d for _, d in fresh], now, by),
                strict=True,
            ):
                results[index] = AddResult(view, created=True)
            return [r for r in results if r is not None]

    async def insert_new(self, drafts: Sequence[EventDraft], *, by: int | None = None) -> list[int]:
        """Insert drafts that are not stored yet (bulk imports) in one transaction; ids in order.

        Their external keys must be new: a stored key fails the whole batch (unique constraint).
        """
        if not drafts:
            return []
        async with self._sessions.begin() as session:
            ids, _ = await self._insert_rows(session, drafts, self._clock.now(), by)
        return ids

    async def _insert_new(
        self, session: AsyncSession, drafts: Sequence[EventDraft], now: datetime, by: int | None
    ) -> list[EventView]:
        """Insert new events and their sources, returning their views (add_many)."""
        ids, rows = await self._insert_rows(session, drafts, now, by)
        return [
            self._draft_view(event_id, d, row)
            for event_id, d, row in zip(ids, drafts, rows, strict=True)
        ]

    def _row_values(self, d: EventDraft, now: datetime, by: int | None) -> dict[str, Any]:
        reported_at, reported_on = first_report(d.sources, now)
        return {
            **self._columns(d),
            "status": d.status.value,
            "reviewed": d.reviewed,
            "retract_reason": None,
            "reported_at": reported_at,
            "reported_on": reported_on,
            "created_at": now,
            "updated_at": now,
            "created_by": by,
            "updated_by": by,
        }

    @staticmethod
    def _source_values(event_id: int, d: EventDraft) -> Iterator[dict[str, Any]]:
        seen: set[tuple[str, str]] = set()
        for s in d.sources:
            k = (s.outlet[:255], s.url)
            if k in seen:
                continue
            seen.add(k)
            yield {
                "event_id": event_id,
                "outlet": k[0],
                "url": s.url,
                "title": s.title,
                "published_at": s.published_at,
                "published_on": s.published_on,
                "article_id": None,
            }

    async def _insert_rows(
        self, session: AsyncSession, drafts: Sequence[EventDraft], now: datetime, by: int | None
    ) -> tuple[list[int], list[dict[str, Any]]]:
        """Insert new events and their sources with a few multi-row statements; ids and values.

        SQLite: ids are max(id) + 1… (the transaction holds the write lock), rows go straight to
        the driver's executemany and the full-text index is filled once for the batch. PostgreSQL:
        one multi-row INSERT … RETURNING.
        """
        if not drafts:
            return [], []
        rows = [self._row_values(d, now, by) for d in drafts]
        conn = await session.connection()
        if conn.dialect.name == "sqlite":
            writers = self._writers(conn.dialect)
            first = int(
                (
                    await conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM events")
                ).scalar_one()
            )
            ids = list(range(first, first + len(rows)))
            for event_id, row in zip(ids, rows, strict=True):
                row["id"] = event_id
            async with deferred_fulltext(conn, first):
                await writers[0].insert(conn, rows)
            await writers[1].insert(
                conn,
                (
                    src
                    for i, d in zip(ids, drafts, strict=True)
                    for src in self._source_values(i, d)
                ),
            )
            return ids, rows
        events_t = cast(Table, EventRow.__table__)
        # Multi-row INSERT … RETURNING; rows come back in any order, so map them by their key.
        result = await session.execute(
            events_t.insert().returning(events_t.c.id, events_t.c.external_key), rows
        )
        id_of = {key: event_id for event_id, key in result.all()}
        ids = [id_of[d.external_key] for d in drafts]
        source_rows = [
            src for i, d in zip(ids, drafts, strict=True) for src in self._source_values(i, d)
        ]
        if source_rows:
            await session.execute(cast(Table, SourceRow.__table__).insert(), source_rows)
        return ids, rows

    def writer_batch(self, drafts: Sequence[EventDraft], *, by: int | None = None) -> Batch:
        """New events (keys not stored) as one batch for a SQLite writer process.

        Rows carry no ids (the writer numbers them from max(id) + 1); sources name their event
        by its place in `drafts`. Values are converted exactly as the in-process path does.
        """
        now = self._clock.now()
        dialect = self._dialect()
        events_w, sources_w = self._batch_writers(dialect)
        events = events_w.values(self._row_values(d, now, by) for d in drafts)
        sources = sources_w.values(
            src for i, d in enumerate(drafts) for src in self._source_values(i, d)
        )
        return Batch(
            events_sql=events_w.sql,
            events=events,
            sources_sql=sources_w.sql,
            sources=sources,
            trigger=INSERT_TRIGGER,
            index_sql=INDEX_FROM_SQL,
        )

    def _dialect(self) -> Dialect:
        bind = self._sessions.kw.get("bind")
        if bind is None:
            raise RuntimeError("the session factory is not bound to an engine")
        return cast(Dialect, bind.dialect)

    def _batch_writers(self, dialect: Dialect) -> tuple[RowWriter, RowWriter]:
        if self._process_writers is None:
            events_t = cast(Table, EventRow.__table__)
            sources_t = cast(Table, SourceRow.__table__)
            columns = [c.name for c in sources_t.columns if c.name != "id"]
            if columns[0] != "event_id":
                raise RuntimeError("sources.event_id must follow sources.id")
            self._process_writers = (
                RowWriter(
                    events_t,
                    [c.name for c in events_t.columns if c.name != "id"],
                    dialect,
                    numbered="id",
                ),
                RowWriter(sources_t, columns, dialect),
            )
        return self._process_writers

    def _writers(self, dialect: Dialect) -> tuple[RowWriter, RowWriter]:
        """The SQLite bulk writers of events and sources (built once per store)."""
        if self._bulk_writers is None:
            events_t = cast(Table, EventRow.__table__)
            sources_t = cast(Table, SourceRow.__table__)
            self._bulk_writers = (
                RowWriter(events_t, [c.name for c in events_t.columns], dialect),
                RowWriter(
                    sources_t, [c.name for c in sources_t.columns if c.name != "id"], dialect
                ),
            )
        return self._bulk_writers

    def _draft_view(self, event_id: int, d: EventDraft, row: dict[str, Any]) -> EventView:
        place_name = (self._place_name(d.place_key) if d.place_key else None) or d.place_text
        return EventView(
            id=event_id,
            summary=row["summary"],
            when=d.when,
            place_key=d.place_key,
            place_text=row["place_text"],
            place_name=place_name,
            location_precision=d.location_precision,
            actors=tuple(a for a in row["actors_text"].split(ACTOR_SEP) if a),
            event_type=row["event_type"],
            sub_event_type=row["sub_event_type"],
            severity=d.severity,
            claim_status=d.claim_status,
            claim_note=row["claim_note"],
            fatalities=d.fatalities,
            status=d.status,
            retract_reason=None,
            origin=d.origin,
            reviewed=d.reviewed,
            external_key=d.external_key,
            reported_at=row["reported_at"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            sources=tuple(
                dict.fromkeys(
                    SourceInfo(s.outlet[:255], s.url, s.title, s.published_at, s.published_on)
                    for s in d.sources
                )
            ),
        )

    async def _add(self, session: AsyncSession, draft: EventDraft, by: int | None) -> AddResult:
        now = self._clock.now()
        if draft.external_key:
            existing = await session.scalar(
                select(EventRow)
                .where(EventRow.external_key == draft.external_key)
                .options(selectinload(EventRow.sources))
            )
            if existing is not None:
                changed = self._apply(existing, draft, now, by)
                if self._add_sources(existing, draft.sources):
                    _set_report(existing)
                await session.flush()
                return AddResult(self.view(existing), created=False, updated=changed)
        else:
            twin = await self._find_twin(session, draft)
            if twin is not None:
                added = self._add_sources(twin, draft.sources)
                if added:
                    _set_report(twin)
                    twin.updated_at = now
                await session.flush()
                return AddResult(self.view(twin), created=False, merged=True)
        row = EventRow(created_at=now, created_by=by)
        self._apply(row, draft, now, by)
        row.sources = []
        self._add_sources(row, draft.sources)
        _set_report(row)
        session.add(row)
        await session.flush()
        return AddResult(self.view(row), created=True)

    @staticmethod
    def _columns(draft: EventDraft) -> dict[str, Any]:
        """Column values a draft determines."""
        return {
            "summary": draft.summary.strip(),
            "date_start": draft.when.start,
            "date_end": draft.when.end,
            "date_last": draft.when.last_day(),
            "date_precision": draft.when.precision.value,
            "place_key": draft.place_key,
            "place_text": draft.place_text[:255],
            "location_precision": draft.location_precision.value,
            "actors_text": actors_text(draft.actors),
            "event_type": draft.event_type[:64],
            "sub_event_type": draft.sub_event_type[:96],
            "severity": draft.severity.value,
            "claim_status": draft.claim_status.value,
            "claim_note": draft.claim_note[:255],
            "fatalities": draft.fatalities,
            "external_key": draft.external_key,
            "origin": draft.origin.value,
        }

    def _apply(self, row: EventRow, draft: EventDraft, now: datetime, by: int | None) -> bool:
        values = self._columns(draft)
        changed = any(getattr(row, k, None) != v for k, v in values.items())
        for key, value in values.items():
            setattr(row, key, value)
        if row.status is None:
            row.status = draft.status.value
            row.reviewed = draft.reviewed
        if changed:
            row.updated_at = now
            row.updated_by = by
        return changed

    @staticmethod
    def _add_sources(row: EventRow, sources: Iterable[SourceInfo]) -> int:
        have = {(s.outlet, s.url) for s in row.sources}
        added = 0
        for src in sources:
            key = (src.outlet[:255], src.url)
            if key in have:
                continue
            have.add(key)
            row.sources.append(
                SourceRow(
                    outlet=src.outlet[:255],
                    url=src.url,
                    title=src.title,
                    published_at=src.published_at,
                    published_on=src.published_on,
                )
            )
            added += 1
        return added

    async def _find_twin(self, session: AsyncSession, draft: EventDraft) -> EventRow | None:
        """A stored event on the same happening: same place, overlapping dates, similar text."""
        first, last = _span(draft.when)
        stmt = (
            select(EventRow)
            .where(EventRow.status != EventStatus.RETRACTED.value)
            .where(EventRow.date_start <= last)
            .options(selectinload(EventRow.sources))
        )
        if draft.place_key is not None:
            stmt = stmt.where(EventRow.place_key == draft.place_key)
        else:
            stmt = stmt.where(EventRow.place_key.is_(None), EventRow.place_text == draft.place_text)
        rows = (await session.scalars(stmt.order_by(EventRow.id).limit(500))).all()
        best: tuple[float, EventRow] | None = None
        for row in rows:
            r_first, r_last = _span(_fuzzy(row))
            if r_last < first or r_first > last:
                continue
            score = fuzz.token_set_ratio(row.summary.lower(), draft.summary.lower())
            if score >= MERGE_SIMILARITY and (best is None or score > best[0]):
                best = (score, row)
        return best[1] if best else None

    async def edit(self, event_id: int, *, by: int | None = None, **changes: Any) -> EventView:
        """Change some fields of an event (see EDITABLE_FIELDS)."""
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"cannot edit {', '.join(sorted(unknown))}")
        async with self._sessions.begin() as session:
            row = await session.get(EventRow, event_id, options=[selectinload(EventRow.sources)])
            if row is None:
                raise EventNotFound(event_id)
            draft = replace(self._draft_of(row), **changes)
            self._apply(row, draft, self._clock.now(), by)
            await session.flush()
            return self.view(row)

    async def add_source(
        self, event_id: int, source: SourceInfo, *, by: int | None = None
    ) -> EventView:
        """Attach one more source to an event."""
        async with self._sessions.begin() as session:
            row = await session.get(EventRow, event_id, options=[selectinload(EventRow.sources)])
            if row is None:
                raise EventNotFound(event_id)
            if self._add_sources(row, [source]):
                now = self._clock.now()
                _set_report(row)
                row.updated_at, row.updated_by = now, by
            await session.flush()
            return self.view(row)

    def _draft_of(self, row: EventRow) -> EventDraft:
        v = self.view(row)
        return EventDraft(
            summary=v.summary,
            when=v.when,
            place_key=v.place_key,
            place_text=v.place_text,
            location_precision=v.location_precision,
            actors=v.actors,
            event_type=v.event_type,
            sub_event_type=v.sub_event_type,
            severity=v.severity,
            claim_status=v.claim_status,
            claim_note=v.claim_note,
            fatalities=v.fatalities,
            external_key=v.external_key,
            origin=v.origin,
        )

    async def set_status(
        self,
        ids: Sequence[int],
        status: EventStatus,
        *,
        by: int | None = None,
        reason: str | None = None,
    ) -> list[EventView]:
        """Publish, retract (with a reason) or return events to draft; marks them reviewed."""
        if status is EventStatus.RETRACTED and not (reason and reason.strip()):
            raise ValueError("a retraction needs a reason")
        now = self._clock.now()
        async with self._sessions.begin() as session:
            rows = (
                await session.scalars(
                    select(EventRow)
                    .where(EventRow.id.in_(list(ids)))
                    .options(selectinload(EventRow.sources))
                )
            ).all()
            for row in rows:
                row.status = status.value
                row.reviewed = True
                row.retract_reason = reason.strip() if reason else None
                row.updated_at = now
                row.updated_by = by
            await session.flush()
            return [self.view(r) for r in rows]

    async def discard_drafts(self, ids: Sequence[int]) -> int:
        """Delete events that are still drafts; published ones are retracted, never deleted."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(EventRow).where(
                    EventRow.id.in_(list(ids)), EventRow.status == EventStatus.DRAFT.value
                )
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

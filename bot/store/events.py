"""The event store: add (merging duplicates), read, edit, publish and retract event summaries."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.domain.clock import Clock
from bot.domain.events.errors import EventNotFound
from bot.domain.events.model import EventDraft, EventStatus, EventView, SourceInfo
from bot.domain.events.records import AddResult
from bot.store.event_inserts import EventInserts
from bot.store.event_queries import EventQueries, PlaceNamer
from bot.store.event_rows import (
    add_sources,
    apply_draft,
    draft_of,
    draft_view,
    find_twin,
    set_report,
)
from bot.store.models.events import EventRow
from bot.store.sqlitewriter import Batch

log = logging.getLogger(__name__)

__all__ = ["EDITABLE_FIELDS", "EventStore"]

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
        "actor1",
        "actor2",
        "injuries",
    }
)


class EventStore(EventQueries):
    """Stores and reads events; every call is its own unit of work and returns plain data."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        place_name: PlaceNamer | None = None,
    ) -> None:
        super().__init__(sessions, place_name)
        self._clock = clock
        self._inserts = EventInserts(sessions)

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
                    changed = self._refresh(row, draft, now, by)
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
            ids, _ = await self._inserts.insert_rows(session, drafts, self._clock.now(), by)
        return ids

    def writer_batch(self, drafts: Sequence[EventDraft], *, by: int | None = None) -> Batch:
        """New events (keys not stored) as one batch for a SQLite writer process."""
        return self._inserts.writer_batch(drafts, self._clock.now(), by)

    async def _insert_new(
        self, session: AsyncSession, drafts: Sequence[EventDraft], now: datetime, by: int | None
    ) -> list[EventView]:
        """Insert new events and their sources, returning their views (add_many)."""
        ids, rows = await self._inserts.insert_rows(session, drafts, now, by)
        return [
            draft_view(event_id, d, row, self._place_name(d.place_key) if d.place_key else None)
            for event_id, d, row in zip(ids, drafts, rows, strict=True)
        ]

    @staticmethod
    def _refresh(row: EventRow, draft: EventDraft, now: datetime, by: int | None) -> bool:
        """Apply a draft to the stored event with its key and add its new sources; changed?"""
        changed = apply_draft(row, draft, now, by)
        if add_sources(row, draft.sources):
            set_report(row)
        return changed

    async def _add(self, session: AsyncSession, draft: EventDraft, by: int | None) -> AddResult:
        now = self._clock.now()
        if draft.external_key:
            existing = await session.scalar(
                select(EventRow)
                .where(EventRow.external_key == draft.external_key)
                .options(selectinload(EventRow.sources))
            )
            if existing is not None:
                changed = self._refresh(existing, draft, now, by)
                await session.flush()
                return AddResult(self.view(existing), created=False, updated=changed)
        else:
            twin = await find_twin(session, draft)
            if twin is not None:
                added = add_sources(twin, draft.sources)
                if added:
                    set_report(twin)
                    twin.updated_at = now
                await session.flush()
                return AddResult(self.view(twin), created=False, merged=True)
        row = EventRow(created_at=now, created_by=by)
        apply_draft(row, draft, now, by)
        row.sources = []
        add_sources(row, draft.sources)
        set_report(row)
        session.add(row)
        await session.flush()
        return AddResult(self.view(row), created=True)

    async def edit(self, event_id: int, *, by: int | None = None, **changes: Any) -> EventView:
        """Change some fields of an event (see EDITABLE_FIELDS)."""
        unknown = set(changes) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"cannot edit {', '.join(sorted(unknown))}")
        async with self._sessions.begin() as session:
            row = await session.get(EventRow, event_id, options=[selectinload(EventRow.sources)])
            if row is None:
                raise EventNotFound(event_id)
            draft = replace(draft_of(self.view(row)), **changes)
            apply_draft(row, draft, self._clock.now(), by)
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
            if add_sources(row, [source]):
                now = self._clock.now()
                set_report(row)
                row.updated_at, row.updated_by = now, by
            await session.flush()
            return self.view(row)

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

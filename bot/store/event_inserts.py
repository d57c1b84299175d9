"""Inserting many new events at once: multi-row statements, SQLite driver inserts, and the
batches a SQLite writer process stores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events.model import EventDraft
from bot.store.bulkinsert import RowWriter
from bot.store.dialect import dialect_for
from bot.store.draft_tuples import EVENT_COLUMNS, SOURCE_COLUMNS, DraftTuples
from bot.store.event_rows import row_values, source_values
from bot.store.fulltext import INDEX_FROM_SQL, INSERT_TRIGGER, deferred_fulltext
from bot.store.models.events import EventRow, SourceRow
from bot.store.sqlitewriter import Batch

EVENTS = cast(Table, EventRow.__table__)
SOURCES = cast(Table, SourceRow.__table__)


class EventInserts:
    """Inserts new events and their sources with a few statements (the row writers are built
    once per store)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._bulk_writers: tuple[RowWriter, RowWriter] | None = None
        self._process_writers: tuple[RowWriter, RowWriter] | None = None
        self._tuples: DraftTuples | None = None  # remembers values across a file's batches

    async def insert_rows(
        self, session: AsyncSession, drafts: Sequence[EventDraft], now: datetime, by: int | None
    ) -> tuple[list[int], list[dict[str, Any]]]:
        """Insert new events and their sources with a few multi-row statements; ids and values.

        SQLite: ids are max(id) + 1… (the transaction holds the write lock), rows go straight to
        the driver's executemany and the full-text index is filled once for the batch. PostgreSQL:
        one multi-row INSERT … RETURNING.
        """
        if not drafts:
            return [], []
        rows = [row_values(d, now, by) for d in drafts]
        conn = await session.connection()
        if dialect_for(conn).is_sqlite:
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
                (src for i, d in zip(ids, drafts, strict=True) for src in source_values(i, d)),
            )
            return ids, rows
        # Multi-row INSERT … RETURNING; rows come back in any order, so map them by their key.
        result = await session.execute(
            EVENTS.insert().returning(EVENTS.c.id, EVENTS.c.external_key), rows
        )
        id_of = {key: event_id for event_id, key in result.all()}
        ids = [id_of[d.external_key] for d in drafts]
        source_rows = [src for i, d in zip(ids, drafts, strict=True) for src in source_values(i, d)]
        if source_rows:
            await session.execute(SOURCES.insert(), source_rows)
        return ids, rows

    def writer_batch(self, drafts: Sequence[EventDraft], now: datetime, by: int | None) -> Batch:
        """New events (keys not stored) as one batch for a SQLite writer process.

        Rows carry no ids (the writer numbers them from max(id) + 1); sources name their event
        by its place in `drafts`. Values are converted exactly as the in-process path does.
        """
        events_w, sources_w = self._batch_writers(self._dialect())
        if self._tuples is None:
            self._tuples = DraftTuples(now, by, {**events_w.processors, **sources_w.processors})
        rows = self._tuples.batch(now, by)
        events = [rows.event(d) for d in drafts]
        sources = [(i, *src) for i, d in enumerate(drafts) for src in rows.sources(d)]
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
            self._process_writers = (
                RowWriter(EVENTS, EVENT_COLUMNS, dialect, numbered="id"),
                RowWriter(SOURCES, ("event_id", *SOURCE_COLUMNS), dialect),
            )
        return self._process_writers

    def _writers(self, dialect: Dialect) -> tuple[RowWriter, RowWriter]:
        """The SQLite bulk writers of events and sources (built once per store)."""
        if self._bulk_writers is None:
            self._bulk_writers = (
                RowWriter(EVENTS, [c.name for c in EVENTS.columns], dialect),
                RowWriter(SOURCES, [c.name for c in SOURCES.columns if c.name != "id"], dialect),
            )
        return self._bulk_writers

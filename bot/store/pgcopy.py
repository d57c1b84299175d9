"""New events into PostgreSQL through COPY: asyncpg's `copy_records_to_table` on the driver
connection under SQLAlchemy's AsyncConnection, inside the caller's transaction.

A batch is copied into two temporary staging tables (dropped at commit), then moved into
events and sources with one statement: ``INSERT … SELECT … ON CONFLICT (external_key) DO
NOTHING RETURNING`` for the events and, in the same statement, their sources joined to the ids
it returned. A key stored meanwhile is skipped by the INSERT; the caller is told (CopyRefused)
and rolls the batch back, so a batch is stored whole or not at all. Values are the ones the
ORM path stores (bot.store.draft_tuples, each column's bind processor); triggers, defaults and
generated columns apply as for any INSERT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.events.model import EventDraft
from bot.store.bulkinsert import ColumnValues
from bot.store.draft_tuples import EVENT_COLUMNS, SOURCE_COLUMNS, DraftTuples
from bot.store.models.events import EventRow, SourceRow

EVENTS = cast(Table, EventRow.__table__)
SOURCES = cast(Table, SourceRow.__table__)
STAGED_EVENTS = "import_events"
STAGED_SOURCES = "import_sources"
_EVENT_LIST = ", ".join(EVENT_COLUMNS)
_SOURCE_LIST = ", ".join(SOURCE_COLUMNS)

# Staging tables shaped like the real ones (types only: no constraints, indexes or triggers),
# with the row's place in the batch (`ord`) so ids are given in the batch's order.
_STAGE = (
    f"CREATE TEMP TABLE {STAGED_EVENTS} ON COMMIT DROP AS "
    f"SELECT 0 AS ord, {_EVENT_LIST} FROM events WITH NO DATA",
    f"CREATE TEMP TABLE {STAGED_SOURCES} ON COMMIT DROP AS "
    f"SELECT 0 AS ord, {_SOURCE_LIST} FROM sources WITH NO DATA",
)
_MOVE = (
    f"WITH new AS (INSERT INTO events ({_EVENT_LIST}) "
    f"SELECT {_EVENT_LIST} FROM {STAGED_EVENTS} ORDER BY ord "
    "ON CONFLICT (external_key) DO NOTHING RETURNING id, external_key), "
    f"moved AS (INSERT INTO sources (event_id, {_SOURCE_LIST}) "
    f"SELECT new.id, {', '.join('s.' + c for c in SOURCE_COLUMNS)} "
    f"FROM {STAGED_SOURCES} s JOIN {STAGED_EVENTS} e ON e.ord = s.ord "
    "JOIN new ON new.external_key = e.external_key ORDER BY new.id) "
    "SELECT id, external_key FROM new"
)


class CopyRefused(Exception):
    """PostgreSQL refused a COPY, or a key of the batch was stored meanwhile; the reason."""


@dataclass(frozen=True, slots=True)
class CopyBatch:
    """A batch ready to COPY: its keys in order, event rows and source rows (each led by the
    event's place in the batch)."""

    keys: list[str]
    events: list[tuple[Any, ...]]
    sources: list[tuple[Any, ...]]


class EventCopier:
    """Copies batches of new events and their sources (the converters are built once)."""

    def __init__(self) -> None:
        self._converters: dict[str, ColumnValues] = {}
        self._tuples: DraftTuples | None = None  # remembers values across a file's batches

    def _converter(self, table: Table, columns: tuple[str, ...], dialect: Dialect) -> ColumnValues:
        found = self._converters.get(table.name)
        if found is None:
            found = self._converters[table.name] = ColumnValues(table, columns, dialect)
        return found

    def prepare(
        self, dialect: Dialect, drafts: Sequence[EventDraft], now: datetime, by: int | None
    ) -> CopyBatch:
        """The batch's rows as COPY sends them (CopyRefused when a draft has no key)."""
        keys = [d.external_key for d in drafts]
        if None in keys:
            raise CopyRefused("every draft copied needs an external key")
        if self._tuples is None:
            binds = {
                **self._converter(EVENTS, EVENT_COLUMNS, dialect).processors,
                **self._converter(SOURCES, SOURCE_COLUMNS, dialect).processors,
            }
            self._tuples = DraftTuples(now, by, binds)
        tuples = self._tuples.batch(now, by)
        return CopyBatch(
            [str(k) for k in keys],
            [(i, *tuples.event(d)) for i, d in enumerate(drafts)],
            [(i, *src) for i, d in enumerate(drafts) for src in tuples.sources(d)],
        )

    async def copy_new(
        self, conn: AsyncConnection, drafts: Sequence[EventDraft], now: datetime, by: int | None
    ) -> list[int]:
        """COPY new events (keys not stored) and their sources; their ids, in order.

        CopyRefused when any key is stored already (nothing of the batch is kept once the
        caller rolls back) or the server refuses the rows.
        """
        if not drafts:
            return []
        return await self.copy(conn, self.prepare(conn.dialect, drafts, now, by))

    async def copy(self, conn: AsyncConnection, batch: CopyBatch) -> list[int]:
        """COPY a prepared batch inside the caller's transaction; the events' ids, in order."""
        from asyncpg import PostgresError

        if not batch.keys:
            return []
        for sql in _STAGE:  # through SQLAlchemy: the caller's transaction begins here
            await conn.exec_driver_sql(sql)
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        try:
            await driver.copy_records_to_table(
                STAGED_EVENTS, records=batch.events, columns=["ord", *EVENT_COLUMNS]
            )
            if batch.sources:
                await driver.copy_records_to_table(
                    STAGED_SOURCES, records=batch.sources, columns=["ord", *SOURCE_COLUMNS]
                )
            moved = await driver.fetch(_MOVE)
        except PostgresError as exc:
            raise CopyRefused(str(exc)) from exc
        id_of = {str(r["external_key"]): int(r["id"]) for r in moved}
        skipped = [k for k in batch.keys if k not in id_of]
        if skipped or len(moved) != len(batch.keys):
            raise CopyRefused(
                f"key {(skipped or batch.keys)[0]} is stored already (or given twice)"
            )
        return [id_of[k] for k in batch.keys]

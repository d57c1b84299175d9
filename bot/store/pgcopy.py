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


class EventCopier:
    """Copies batches of new events and their sources (the converters are built once)."""

    def __init__(self) -> None:
        self._converters: dict[str, ColumnValues] = {}

    def _converter(self, table: Table, columns: tuple[str, ...], dialect: Dialect) -> ColumnValues:
        found = self._converters.get(table.name)
        if found is None:
            found = self._converters[table.name] = ColumnValues(table, columns, dialect)
        return found

    async def copy_new(
        self, conn: AsyncConnection, drafts: Sequence[EventDraft], now: datetime, by: int | None
    ) -> list[int]:
        """COPY new events (keys not stored) and their sources; their ids, in order.

        CopyRefused when any key is stored already (nothing of the batch is kept once the
        caller rolls back) or the server refuses the rows.
        """
        from asyncpg import PostgresError

        if not drafts:
            return []
        keys = [d.external_key for d in drafts]
        if None in keys:
            raise CopyRefused("every draft copied needs an external key")
        dialect = conn.dialect
        binds = {
            **self._converter(EVENTS, EVENT_COLUMNS, dialect).processors,
            **self._converter(SOURCES, SOURCE_COLUMNS, dialect).processors,
        }
        tuples = DraftTuples(now, by, binds)
        events = [(i, *tuples.event(d)) for i, d in enumerate(drafts)]
        sources = [(i, *src) for i, d in enumerate(drafts) for src in tuples.sources(d)]
        for sql in _STAGE:  # through SQLAlchemy: the caller's transaction begins here
            await conn.exec_driver_sql(sql)
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        try:
            await driver.copy_records_to_table(
                STAGED_EVENTS, records=events, columns=["ord", *EVENT_COLUMNS]
            )
            if sources:
                await driver.copy_records_to_table(
                    STAGED_SOURCES, records=sources, columns=["ord", *SOURCE_COLUMNS]
                )
            moved = await driver.fetch(_MOVE)
        except PostgresError as exc:
            raise CopyRefused(str(exc)) from exc
        id_of = {str(r["external_key"]): int(r["id"]) for r in moved}
        skipped = [k for k in keys if k not in id_of]
        if skipped or len(moved) != len(drafts):
            raise CopyRefused(f"key {(skipped or keys)[0]} is stored already (or given twice)")
        return [id_of[str(k)] for k in keys]

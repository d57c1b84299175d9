"""New events into PostgreSQL through COPY: asyncpg's `copy_records_to_table` on the driver
connection under SQLAlchemy's AsyncConnection, inside the caller's transaction.

Ids come from the events' own sequence (one `nextval` per row, in one statement), so the sources
can name their event; COPY then streams both tables in the binary protocol. Values are the ones
the ORM path stores (`row_values`, each column's bind processor); triggers, defaults and
generated columns apply as for any INSERT, and a key stored meanwhile fails the whole batch
(the unique constraint: CopyRefused), which the caller rolls back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.events.model import EventDraft
from bot.store.bulkinsert import ColumnValues
from bot.store.event_rows import row_values, source_values
from bot.store.models.events import EventRow, SourceRow

EVENTS = cast(Table, EventRow.__table__)
SOURCES = cast(Table, SourceRow.__table__)

_NEXT_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('events', 'id')) FROM generate_series(1, :n)"
)


class CopyRefused(Exception):
    """PostgreSQL refused a COPY (e.g. a key stored meanwhile); the server's message."""


class EventCopier:
    """Copies batches of new events and their sources (the converters are built once)."""

    def __init__(self) -> None:
        self._converters: dict[tuple[str, tuple[str, ...]], ColumnValues] = {}

    def _converter(self, table: Table, columns: tuple[str, ...], dialect: Dialect) -> ColumnValues:
        key = (table.name, columns)
        found = self._converters.get(key)
        if found is None:
            found = self._converters[key] = ColumnValues(table, columns, dialect)
        return found

    async def copy_new(
        self, conn: AsyncConnection, drafts: Sequence[EventDraft], now: datetime, by: int | None
    ) -> list[int]:
        """COPY new events (keys not stored) and their sources; their ids, in order."""
        if not drafts:
            return []
        ids = [int(i) for i in (await conn.execute(_NEXT_IDS, {"n": len(drafts)})).scalars()]
        rows: list[dict[str, Any]] = []
        for event_id, draft in zip(ids, drafts, strict=True):
            row = row_values(draft, now, by)
            row["id"] = event_id
            rows.append(row)
        sources = [src for i, d in zip(ids, drafts, strict=True) for src in source_values(i, d)]
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        await self._copy(driver, conn.dialect, EVENTS, rows)
        if sources:
            await self._copy(driver, conn.dialect, SOURCES, sources)
        return ids

    async def _copy(
        self, driver: Any, dialect: Dialect, table: Table, rows: list[dict[str, Any]]
    ) -> None:
        from asyncpg import PostgresError

        columns = tuple(rows[0])
        records = self._converter(table, columns, dialect).values(rows)
        try:
            await driver.copy_records_to_table(table.name, records=records, columns=list(columns))
        except PostgresError as exc:
            raise CopyRefused(str(exc)) from exc

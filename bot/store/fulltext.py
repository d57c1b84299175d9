"""The SQLite full-text index during bulk loads: one INSERT … SELECT instead of a trigger per row.

An FTS5 insert trigger on events costs more than the insert itself on a bulk load (it is
invoked for every row). Inside the loader's transaction the trigger is dropped, the events are
inserted, indexed with one INSERT … SELECT, and the trigger is created again from its own stored
SQL. SQLite DDL is transactional and BEGIN IMMEDIATE holds the write lock, so no other
connection ever sees the trigger missing or an event missing from the index.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import dialect_for

FTS_COLUMNS = "summary, actors_text, event_type, place_text"
INSERT_TRIGGER = "events_fts_ai"
# Index every event with id >= ? (events inserted while the trigger was dropped).
INDEX_FROM_SQL = (
    f"INSERT INTO events_fts (rowid, {FTS_COLUMNS}) "
    f"SELECT id, {FTS_COLUMNS} FROM events WHERE id >= ? ORDER BY id"
)


@asynccontextmanager
async def insert_trigger_paused(conn: AsyncConnection) -> AsyncIterator[None]:
    """SQLite: the full-text insert trigger is dropped inside and created again from its own SQL.

    Run it inside a write transaction, and index what was inserted before leaving. On
    PostgreSQL (a stored vector its own trigger keeps, migration 0010) this does nothing.
    """
    if not dialect_for(conn).fulltext_table:
        yield
        return
    trigger = (
        await conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (INSERT_TRIGGER,)
        )
    ).scalar_one_or_none()
    if trigger is not None:
        await conn.exec_driver_sql(f"DROP TRIGGER {INSERT_TRIGGER}")
    yield
    if trigger is not None:
        await conn.exec_driver_sql(trigger)


@asynccontextmanager
async def deferred_fulltext(conn: AsyncConnection, first_id: int) -> AsyncIterator[None]:
    """Insert events inside without per-row indexing; then index every event with id ≥ first_id.

    The caller must be in a write transaction and insert only ids from first_id up (max(id) + 1
    on). On PostgreSQL this does nothing.
    """
    async with insert_trigger_paused(conn):
        yield
        if dialect_for(conn).fulltext_table:
            await conn.exec_driver_sql(INDEX_FROM_SQL, (first_id,))

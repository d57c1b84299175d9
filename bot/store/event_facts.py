"""Facts of many events at once (type, place, reported fatalities) for counts, sums and rankings.

The ids come from the answers' own search, so a count means exactly what the list shows; this
store reads the few columns a tally needs, in one statement with the ids as one parameter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, Integer, Result, Select, bindparam, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.questions.ports import EventFact
from bot.store.dialect import dialect_for
from bot.store.models.events import EventRow, SourceRow
from bot.store.session import sqlite_engine

CHUNK = 900  # ids per statement (below SQLite's parameter limit on every build)
_FACT_COLUMNS = "id, event_type, sub_event_type, place_key, fatalities"
_SQLITE_FACTS = f"SELECT {_FACT_COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))"
# Sources of each listed event with those of the events merged into it, by the listed event.
_SOURCES_SQL = (
    "SELECT coalesce(e.merged_into, e.id) AS head, count(s.id), count(DISTINCT e.id)"
    " FROM events AS e LEFT JOIN sources AS s ON s.event_id = e.id"
    " WHERE e.id IN ({ids}) OR e.merged_into IN ({ids}) GROUP BY head"
)
_SQLITE_SOURCES = _SOURCES_SQL.format(ids="SELECT value FROM json_each(?)")
_PG_SOURCES = text(
    _SOURCES_SQL.replace("e.id IN ({ids})", "e.id = ANY(:ids)").replace(
        "e.merged_into IN ({ids})", "e.merged_into = ANY(:ids)"
    )
).bindparams(bindparam("ids", type_=ARRAY(Integer)))
_PG_FACTS = text(f"SELECT {_FACT_COLUMNS} FROM events WHERE id = ANY(:ids)").bindparams(
    bindparam("ids", type_=ARRAY(Integer))
)


class EventFactStore:
    """The domain's EventFacts on the events table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def facts(self, ids: Sequence[int]) -> list[EventFact]:
        """Type, sub-type, place and fatalities of each stored event among the ids: one
        statement whatever their number, the ids bound as one parameter (a JSON array read with
        json_each on SQLite, an array on PostgreSQL), so thousands of ids behind a number cost
        neither a statement per chunk nor compiling a parameter each."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        bind = sqlite_engine(self._sessions)
        if bind is not None:
            async with bind.connect() as conn:
                raw = await conn.get_raw_connection()
                driver: Any = raw.driver_connection
                rows = await driver.execute_fetchall(_SQLITE_FACTS, (json.dumps(wanted),))
            return [_fact(r) for r in rows]
        async with self._sessions() as session:
            if not dialect_for(session).array_parameters:
                return [
                    f
                    for chunk in _chunks(wanted)
                    for f in _rows(await session.execute(_stmt(chunk)))
                ]
            result = await session.execute(_PG_FACTS, {"ids": wanted})
            return [_fact(r) for r in result.all()]

    async def source_counts(self, ids: Sequence[int]) -> dict[int, int]:
        """For events with others merged into them: their sources and the merged ones' sources
        (one prepared statement, the ids as one parameter: a page's count asks no compiling)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        bind = sqlite_engine(self._sessions)
        rows: Sequence[Sequence[Any]]
        if bind is not None:
            async with bind.connect() as conn:
                raw = await conn.get_raw_connection()
                driver: Any = raw.driver_connection
                rows = await driver.execute_fetchall(_SQLITE_SOURCES, (json.dumps(wanted),) * 2)
        else:
            async with self._sessions() as session:
                if dialect_for(session).array_parameters:
                    rows = (await session.execute(_PG_SOURCES, {"ids": wanted})).all()
                else:
                    rows = (await session.execute(_sources_stmt(wanted))).all()
        return {int(h): int(n) for h, n, events in rows if int(events) > 1}


def _sources_stmt(wanted: list[int]) -> Select[int, int, int]:
    e, s = EventRow, SourceRow
    head = func.coalesce(e.merged_into, e.id)
    return (
        select(head, func.count(s.id), func.count(func.distinct(e.id)))
        .select_from(e)
        .outerjoin(s, s.event_id == e.id)
        .where(or_(e.id.in_(wanted), e.merged_into.in_(wanted)))
        .group_by(head)
    )


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _stmt(chunk: list[int]) -> Select[int, str, str, str | None, int | None]:
    e = EventRow
    return select(e.id, e.event_type, e.sub_event_type, e.place_key, e.fatalities).where(
        e.id.in_(chunk)
    )


def _fact(r: Sequence[Any]) -> EventFact:
    return EventFact(int(r[0]), r[1] or "", r[2] or "", r[3], r[4])


def _rows(result: Result[int, str, str, str | None, int | None]) -> list[EventFact]:
    return [_fact(r) for r in result.all()]

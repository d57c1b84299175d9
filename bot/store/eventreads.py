"""The read path of answers: search, coverage and event loading on one connection, no ORM.

On SQLite the statements go straight to the pooled driver connection (aiosqlite): one thread
hop per statement instead of four through SQLAlchemy's DBAPI adapter, no ORM identity map,
and no transaction at all. Sessions begin with BEGIN IMMEDIATE (see session.py), which a
read does not need: here every statement is its own read, so a question never takes the write
lock nor waits behind an import. Values are converted by the columns' own SQLAlchemy result
processors, so they are exactly what the ORM would return. On PostgreSQL the same reads run
as Core statements in one session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol, cast
from weakref import WeakKeyDictionary

from sqlalchemy import Column, Table, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events.filters import Coverage, EventFilter, Order
from bot.domain.events.records import EventRecord, SourceRecord
from bot.store.dialect import dialect_for
from bot.store.models.events import EventRow, SourceRow
from bot.store.search import coverage, search_event_ids
from bot.store.search_filter import Fetch
from bot.store.search_plan import StatsCache
from bot.store.search_sqlite import sqlite_search_ids
from bot.store.session import sqlite_engine

__all__ = ["EventReads", "SessionReads", "SqliteReads", "open_reads"]

EVENTS = cast(Table, EventRow.__table__)
SOURCES = cast(Table, SourceRow.__table__)


_EVENT_NAMES = tuple(f for f in EventRecord.__dataclass_fields__ if f != "sources")
_SOURCE_NAMES = tuple(SourceRecord.__dataclass_fields__)
EVENT_COLUMNS: tuple[Column[Any], ...] = tuple(EVENTS.c[name] for name in _EVENT_NAMES)
SOURCE_COLUMNS: tuple[Column[Any], ...] = (
    SOURCES.c.event_id,
    *(SOURCES.c[name] for name in _SOURCE_NAMES),
)
# One statement for a page: each event with its sources (one row per source, or one row with
# NULL source columns when it has none), sources in stored order.
_LOAD_SQL = (
    f"SELECT {', '.join('e.' + n for n in _EVENT_NAMES)}, s.id,"
    f" {', '.join('s.' + n for n in _SOURCE_NAMES)}"
    " FROM events AS e LEFT JOIN sources AS s ON s.event_id = e.id"
    " WHERE e.id IN {} ORDER BY e.id, s.id"
)
# Everything in one statement: the total less the few events not published (two ranges of the
# status index) and the first and last published days from the date index; no table scan.
_COVER_ALL_SQL = (
    "SELECT (SELECT count(*) FROM events)"
    " - (SELECT count(*) FROM events WHERE status < ?)"
    " - (SELECT count(*) FROM events WHERE status > ?),"
    " (SELECT date_start FROM events WHERE status = ? ORDER BY date_start LIMIT 1),"
    " (SELECT date_last FROM events WHERE status = ? ORDER BY date_start DESC LIMIT 1)"
)
# PostgreSQL: the same in one statement each. For places, the keys are one array the planner
# does not look into (a sub-select): a country scope holds thousands, which as a list or a
# constant array it estimates key by key (slow to plan) at tens of thousands of rows, and reads
# the whole table for; so it probes the place index with them.
_PG_COVER_ALL_SQL = text(
    "SELECT (SELECT count(*) FROM events)"
    " - (SELECT count(*) FROM events WHERE status < :s)"
    " - (SELECT count(*) FROM events WHERE status > :s),"
    " (SELECT date_start FROM events WHERE status = :s ORDER BY date_start LIMIT 1),"
    " (SELECT date_last FROM events WHERE status = :s ORDER BY date_start DESC LIMIT 1)"
)
_PG_COVER_PLACES_SQL = text(
    "SELECT count(e.id), min(e.date_start), max(e.date_last) FROM events AS e"
    " WHERE e.status = :s"
    " AND e.place_key = any(CAST((SELECT CAST(:keys AS varchar[])) AS varchar[]))"
)
_COVER_PLACES_SQL = (
    "SELECT count(id), min(date_start), max(date_last) FROM events"
    " WHERE status = ? AND place_key IN {}"
)

# PostgreSQL, for this read transaction only: no JIT (its compile time, hundreds of ms, is spent
# whenever a misestimated cost crosses jit_above_cost), a plan per execution (a cached generic
# plan knows nothing of the places and words asked about) and no parallel workers (starting
# them costs milliseconds, more than the capped reads of a question take). The same round trip
# reads the highest event id, which the search planner's cached counts are checked against.
PG_READ_SETTINGS = text(
    "SELECT set_config('jit', 'off', true),"
    " set_config('plan_cache_mode', 'force_custom_plan', true),"
    " set_config('max_parallel_workers_per_gather', '0', true),"
    " (SELECT max(id) FROM events)"
)

Processor = Callable[[Any], Any] | None


def _processors(dialect: Dialect, columns: Sequence[Column[Any]]) -> tuple[Processor, ...]:
    """Each column's own result processor for the dialect (None: the value is used as is)."""
    return tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)


def _convert(row: Sequence[Any], processors: Sequence[Processor]) -> list[Any]:
    return [v if p is None else p(v) for v, p in zip(row, processors, strict=True)]


def _records(
    event_rows: Sequence[Sequence[Any]], source_rows: Sequence[Sequence[Any]]
) -> dict[int, EventRecord]:
    """Records by id from converted event and source rows (sources in stored order)."""
    sources: dict[int, list[SourceRecord]] = {}
    for event_id, *values in source_rows:
        sources.setdefault(event_id, []).append(SourceRecord(*values))
    return {row[0]: EventRecord(*row, sources=tuple(sources.get(row[0], ()))) for row in event_rows}


def _ordered(by_id: dict[int, EventRecord], ids: Sequence[int]) -> list[EventRecord]:
    return [by_id[i] for i in ids if i in by_id]


def _marks(n: int) -> str:
    return "(" + ",".join("?" * n) + ")"


class EventReads(Protocol):
    """Read-only event queries on one connection (see open_reads)."""

    async def search(
        self,
        flt: EventFilter,
        *,
        limit: int,
        offset: int = 0,
        order: Order = "newest",
        stats_cache: StatsCache | None = None,
    ) -> list[int]:
        """Ids of matching events (as search_event_ids)."""
        ...

    async def coverage(self, place_keys: frozenset[str] | None) -> Coverage:
        """Count and date range of published events within places (as search.coverage)."""
        ...

    async def load(self, ids: Sequence[int]) -> list[EventRecord]:
        """Events by id with their sources, in the order given (missing ids skipped)."""
        ...


@dataclass(frozen=True, slots=True)
class _Converters:
    events: tuple[Processor, ...]
    sources: tuple[Processor, ...]
    day: Processor


_CONVERTERS: WeakKeyDictionary[Dialect, _Converters] = WeakKeyDictionary()


def _converters(dialect: Dialect) -> _Converters:
    """The result processors of a dialect, built once per engine."""
    conv = _CONVERTERS.get(dialect)
    if conv is None:
        conv = _Converters(
            _processors(dialect, EVENT_COLUMNS),
            _processors(dialect, SOURCE_COLUMNS),
            _processors(dialect, (EVENTS.c.date_start,))[0],
        )
        _CONVERTERS[dialect] = conv
    return conv


class SqliteReads:
    """EventReads on SQLite through a fetch of driver-level SQL (qmark parameters)."""

    def __init__(self, fetch: Fetch, dialect: Dialect) -> None:
        self._fetch = fetch
        conv = _converters(dialect)
        self._event_proc, self._source_proc, self._date_proc = conv.events, conv.sources, conv.day

    async def search(
        self,
        flt: EventFilter,
        *,
        limit: int,
        offset: int = 0,
        order: Order = "newest",
        stats_cache: StatsCache | None = None,
    ) -> list[int]:
        """Ids of matching events (the statement search_event_ids issues on SQLite)."""
        return await sqlite_search_ids(
            self._fetch, flt, limit=limit, offset=offset, order=order, stats_cache=stats_cache
        )

    async def coverage(self, place_keys: frozenset[str] | None) -> Coverage:
        """Count and date range of published events within places, in one statement."""
        if place_keys is None:
            params: list[Any] = ["published"] * 4
            sql = _COVER_ALL_SQL
        else:
            keys = sorted(place_keys)
            params = ["published", *keys]
            sql = _COVER_PLACES_SQL.format(_marks(len(keys)))
        count, first, last = (await self._fetch(sql, params))[0]
        day = self._date_proc or (lambda v: v)
        return Coverage(int(count or 0), day(first), day(last))

    async def load(self, ids: Sequence[int]) -> list[EventRecord]:
        """Events by id with their sources: one statement, no ORM."""
        if not ids:
            return []
        wanted = list(dict.fromkeys(ids))
        rows = await self._fetch(_LOAD_SQL.format(_marks(len(wanted))), wanted)
        n = len(_EVENT_NAMES)
        events: list[list[Any]] = []
        sources: list[list[Any]] = []
        for row in rows:
            if not events or events[-1][0] != row[0]:
                events.append(_convert(row[:n], self._event_proc))
            if row[n] is not None:  # the source's id: NULL when the event has no source
                sources.append([row[0], *_convert(row[n + 1 :], self._source_proc[1:])])
        return _ordered(_records(events, sources), ids)


class SessionReads:
    """EventReads through a session with Core statements (PostgreSQL, and any backend)."""

    def __init__(self, session: AsyncSession, total: int | None = None) -> None:
        self._session = session
        self._total = total  # PostgreSQL: the highest event id, read with the settings

    async def search(
        self,
        flt: EventFilter,
        *,
        limit: int,
        offset: int = 0,
        order: Order = "newest",
        stats_cache: StatsCache | None = None,
    ) -> list[int]:
        """Ids of matching events (as search_event_ids)."""
        if self._total is not None:
            from bot.store.search_pg import pg_search_ids  # PostgreSQL's dialect: its stores only

            return await pg_search_ids(
                self._session,
                flt,
                limit=limit,
                offset=offset,
                order=order,
                stats_cache=stats_cache,
                total=self._total,
            )
        return await search_event_ids(
            self._session, flt, limit=limit, offset=offset, order=order, stats_cache=stats_cache
        )

    async def coverage(self, place_keys: frozenset[str] | None) -> Coverage:
        """Count and date range of published events within places (as search.coverage; on
        PostgreSQL in one statement)."""
        if dialect_for(self._session).is_sqlite:
            return await coverage(self._session, place_keys)
        if place_keys is None:
            result = await self._session.execute(_PG_COVER_ALL_SQL, {"s": "published"})
        else:
            params = {"keys": sorted(place_keys), "s": "published"}
            result = await self._session.execute(_PG_COVER_PLACES_SQL, params)
        count, first, last = result.one()
        return Coverage(int(count or 0), first, last)

    async def load(self, ids: Sequence[int]) -> list[EventRecord]:
        """Events by id with their sources: two Core statements, no ORM objects."""
        if not ids:
            return []
        wanted = list(dict.fromkeys(ids))
        events = (
            await self._session.execute(select(*EVENT_COLUMNS).where(EVENTS.c.id.in_(wanted)))
        ).all()
        if not events:
            return []
        sources = (
            await self._session.execute(
                select(*SOURCE_COLUMNS).where(SOURCES.c.event_id.in_(wanted)).order_by(SOURCES.c.id)
            )
        ).all()
        return _ordered(_records(events, sources), ids)


def _driver_fetch(driver: Any) -> Fetch:
    async def fetch(sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
        return list(await driver.execute_fetchall(sql, tuple(params)))

    return fetch


@asynccontextmanager
async def open_reads(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[EventReads]:
    """Reads on one pooled connection: the driver itself on SQLite (aiosqlite), else a session."""
    bind = sqlite_engine(sessions)
    if bind is not None:
        async with bind.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            if hasattr(driver, "execute_fetchall"):
                yield SqliteReads(_driver_fetch(driver), bind.dialect)
                return
    async with sessions() as session:
        if dialect_for(session).is_sqlite:
            yield SessionReads(session)
            return
        *_, total = (await session.execute(PG_READ_SETTINGS)).one()
        yield SessionReads(session, int(total or 0))

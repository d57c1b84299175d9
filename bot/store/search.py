"""Event retrieval through the full-text index (SQLite FTS5, PostgreSQL tsvector + GIN).

Published events are narrowed by place, date and full-text terms, then ordered newest first
(ties by id, so paging is stable). On SQLite the query is hand-written SQL (the same
statement the benchmark issues through sqlite3, `bot.store.search_sqlite`, planned by
`bot.store.search_plan`); on PostgreSQL it is built with SQLAlchemy against the stored vector
and its GIN index (`bot.store.search_pg`). The filter and its terms are in
`bot.store.search_filter`; this module picks the backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.events.filters import Coverage, EventFilter, Order
from bot.store.dialect import dialect_for
from bot.store.models.events import EventRow
from bot.store.search_filter import Fetch
from bot.store.search_plan import StatsCache
from bot.store.search_sqlite import sqlite_search_ids

__all__ = ["coverage", "search_event_ids", "session_fetch"]


def session_fetch(session: AsyncSession) -> Fetch:
    """A fetch that runs driver SQL on the session's connection."""

    async def fetch(sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
        conn = await session.connection()
        return (await conn.exec_driver_sql(sql, tuple(params))).fetchall()

    return fetch


async def search_event_ids(
    session: AsyncSession,
    flt: EventFilter,
    *,
    limit: int,
    offset: int = 0,
    order: Order = "newest",
    stats_cache: StatsCache | None = None,
) -> list[int]:
    """Ids of matching events; with terms, the full-text index is used, never a scan of text."""
    if flt.place_keys is not None and not flt.place_keys:
        return []
    if not dialect_for(session).is_sqlite:
        from bot.store.search_pg import pg_search_ids  # PostgreSQL's dialect: its stores only

        return await pg_search_ids(
            session, flt, limit=limit, offset=offset, order=order, stats_cache=stats_cache
        )
    return await sqlite_search_ids(
        session_fetch(session),
        flt,
        limit=limit,
        offset=offset,
        order=order,
        stats_cache=stats_cache,
    )


async def coverage(session: AsyncSession, place_keys: frozenset[str] | None) -> Coverage:
    """Count and date range of published events within places (all places when None).

    For all places the range comes from the date index (first and last published start day),
    so it costs no scan of the events table.
    """
    published = EventRow.status == "published"
    if place_keys is None:
        # All events (the smallest index) less the few that are not published (two ranges of
        # the status index): exact, without reading every published entry.
        every = select(func.count()).select_from(EventRow).scalar_subquery()
        below = select(func.count()).where(EventRow.status < "published").scalar_subquery()
        above = select(func.count()).where(EventRow.status > "published").scalar_subquery()
        count = await session.scalar(select(every - below - above))
        first = await session.scalar(
            select(EventRow.date_start).where(published).order_by(EventRow.date_start).limit(1)
        )
        last = await session.scalar(
            select(EventRow.date_last)
            .where(published)
            .order_by(EventRow.date_start.desc())
            .limit(1)
        )
        return Coverage(int(count or 0), first, last)
    stmt = select(
        func.count(EventRow.id), func.min(EventRow.date_start), func.max(EventRow.date_last)
    ).where(published, EventRow.place_key.in_(sorted(place_keys)))
    count, first, last = (await session.execute(stmt)).one()
    return Coverage(int(count or 0), first, last)

"""Reading events through the ORM: by id, by page, by article, by external key, counts."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.domain.events.model import EventStatus, EventView
from bot.domain.events.records import event_view
from bot.store.models.events import EventRow, SourceRow
from bot.store.session import sqlite_engine

PlaceNamer = Callable[[str], str | None]


class EventQueries:
    """Reads events; every call is its own unit of work and returns plain data."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], place_name: PlaceNamer | None = None
    ) -> None:
        self._sessions = sessions
        self._place_name: PlaceNamer = place_name or (lambda key: None)

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

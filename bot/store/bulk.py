"""The bulk importer's store: events by external key, places, and a SQLite writer process.

Store failures come back as the domain's errors: StoreRefused (a statement failed), PlaceRefused
(a place could not be added), WriterFailed (the writer process could not store a batch).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.domain.bulk.ports import PlaceRefused, SendBatch, StoreRefused, WriterFailed
from bot.domain.clock import Clock
from bot.domain.events.model import EventDraft, EventStatus, EventView
from bot.domain.events.records import AddResult
from bot.domain.places.errors import PlaceError
from bot.domain.places.model import Place, PlaceKind
from bot.store.events import EventStore
from bot.store.models.events import EventRow
from bot.store.pgcopy import CopyBatch, CopyRefused, EventCopier
from bot.store.places import PlaceStore
from bot.store.sqlitewriter import Batch, WriterError, WriterProcess


def sqlite_file(engine: AsyncEngine) -> str | None:
    """The database file when the store is a SQLite file (a writer process can share it)."""
    url: URL = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None  # URI filenames: keep to this process
    return url.database


def _refused(exc: SQLAlchemyError | CopyRefused) -> StoreRefused:
    """The domain's error for a failed statement, with the driver's message."""
    return StoreRefused(str(getattr(exc, "orig", None) or exc))


async def _answer(reply: Awaitable[int], count: int) -> list[int]:
    try:
        first = await reply
    except WriterError as exc:
        raise WriterFailed(exc.kind, str(exc)) from exc
    return list(range(first, first + count))  # the child numbers a batch from max(id) + 1


class SqliteBatchWriter:
    """The domain's BatchWriter on a writer process sharing the SQLite file."""

    def __init__(self, events: EventStore, database: str) -> None:
        self._events = events
        self._process = WriterProcess(database)

    def prepare(self, drafts: Sequence[EventDraft]) -> SendBatch:
        """Build the batch now; the returned call sends it (WriterFailed when the child is gone)."""
        batch = self._events.writer_batch(drafts)
        return lambda: self._send(batch, len(drafts))

    def _send(self, batch: Batch, count: int) -> Awaitable[list[int]]:
        try:
            reply = self._process.submit(batch)
        except WriterError as exc:
            raise WriterFailed(exc.kind, str(exc)) from exc
        return _answer(reply, count)

    async def close(self) -> None:
        """Let the child finish the batch in hand and exit."""
        await self._process.close()


class PgBatchWriter:
    """The domain's BatchWriter on PostgreSQL: each batch is copied in a transaction of its own
    on a connection of its own, as a task, while the importer parses the next batch (the server
    moves and indexes one batch while this process reads the next)."""

    def __init__(self, engine: AsyncEngine, copier: EventCopier, clock: Clock) -> None:
        self._engine, self._copier, self._clock = engine, copier, clock
        self._tasks: set[asyncio.Task[list[int]]] = set()

    def prepare(self, drafts: Sequence[EventDraft]) -> SendBatch:
        """Build the batch's rows now; the returned call starts copying them."""
        try:
            batch = self._copier.prepare(self._engine.dialect, drafts, self._clock.now(), None)
        except CopyRefused as exc:
            raise WriterFailed("refused", str(exc)) from exc
        return lambda: self._send(batch)

    def _send(self, batch: CopyBatch) -> Awaitable[list[int]]:
        task = asyncio.ensure_future(self._copy(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _copy(self, batch: CopyBatch) -> list[int]:
        try:
            async with self._engine.begin() as conn:
                return await self._copier.copy(conn, batch)
        except (SQLAlchemyError, CopyRefused) as exc:
            raise WriterFailed("refused", str(_refused(exc))) from exc

    async def close(self) -> None:
        """Wait for the batch in hand (its answer is collected by whoever sent it)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


class BulkEventStore:
    """The domain's BulkStore on the event store, the places and the engine."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        events: EventStore,
        places: PlaceStore,
        clock: Clock | None = None,
    ) -> None:
        """With a `clock`, new events go into PostgreSQL through COPY (their created_at is its
        time); without one, through the event store's multi-row INSERT."""
        self._engine = engine
        self._sessions = sessions
        self._events = events
        self._places = places
        self._clock = clock
        copies = clock is not None and engine.dialect.driver == "asyncpg"
        self._copier = EventCopier() if copies else None

    async def stored(self, keys: Sequence[str]) -> dict[str, EventView]:
        """The stored events with these keys (a first import finds none, after one cheap query)."""
        found = sorted(await self._events.stored_keys(keys))
        if not found:
            return {}
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(EventRow)
                    .where(EventRow.external_key.in_(found))
                    .options(selectinload(EventRow.sources))
                )
            ).all()
            return {r.external_key: self._events.view(r) for r in rows if r.external_key}

    async def insert_new(self, drafts: Sequence[EventDraft]) -> list[int]:
        """Insert drafts whose keys are not stored, all or none; ids in order (PostgreSQL:
        through COPY)."""
        try:
            if self._copier is not None and self._clock is not None:
                async with self._engine.begin() as conn:
                    return await self._copier.copy_new(conn, drafts, self._clock.now(), None)
            return await self._events.insert_new(drafts)
        except (SQLAlchemyError, CopyRefused) as exc:
            raise _refused(exc) from exc

    async def add_many(self, drafts: Sequence[EventDraft]) -> list[AddResult]:
        """Store drafts by key in one transaction, all or none."""
        try:
            return await self._events.add_many(drafts)
        except SQLAlchemyError as exc:
            raise _refused(exc) from exc

    async def add(self, draft: EventDraft) -> AddResult:
        """Store one draft by key."""
        try:
            return await self._events.add(draft)
        except SQLAlchemyError as exc:
            raise _refused(exc) from exc

    async def set_status(
        self, ids: Sequence[int], status: EventStatus, *, reason: str | None = None
    ) -> list[EventView]:
        """Publish, retract (with a reason) or return events to draft."""
        return await self._events.set_status(ids, status, reason=reason)

    async def list_events(
        self, *, statuses: Iterable[EventStatus], limit: int, offset: int
    ) -> list[EventView]:
        """A page of events in these statuses, newest first."""
        return await self._events.list_events(statuses=statuses, limit=limit, offset=offset)

    async def add_place(
        self,
        name: str,
        *,
        kind: PlaceKind,
        parent_key: str | None,
        lat: float | None,
        lon: float | None,
    ) -> Place:
        """Add a place to the gazetteer and the store."""
        try:
            return await self._places.add_place(
                name, kind=kind, parent_key=parent_key, lat=lat, lon=lon
            )
        except PlaceError as exc:
            raise PlaceRefused(str(exc)) from exc

    def open_writer(self) -> SqliteBatchWriter | PgBatchWriter | None:
        """A writer beside the importer: a process when the store is a SQLite file, a
        connection of its own copying batches on PostgreSQL (with a clock)."""
        if self._copier is not None and self._clock is not None:
            return PgBatchWriter(self._engine, self._copier, self._clock)
        database = sqlite_file(self._engine)
        return SqliteBatchWriter(self._events, database) if database else None

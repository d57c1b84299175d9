"""The answers' read repository: the domain's EventReader on the store's one-connection reads.

It keeps the planner's counts (StatsCache) for as long as it lives: they make searches faster,
never change what is found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events.filters import Coverage, EventFilter, Order
from bot.domain.events.records import EventRecord
from bot.domain.questions.storewords import Lexicon
from bot.store.event_words import EventWords
from bot.store.eventreads import EventReads as StoreReads
from bot.store.eventreads import open_reads
from bot.store.search_plan import StatsCache


class _Reads:
    """The domain's EventReads on one connection's store reads."""

    def __init__(self, reads: StoreReads, stats_cache: StatsCache) -> None:
        self._reads = reads
        self._stats_cache = stats_cache

    async def search(
        self, flt: EventFilter, *, limit: int, offset: int = 0, order: Order = "newest"
    ) -> list[int]:
        """Ids of matching events (as search_event_ids)."""
        return await self._reads.search(
            flt,
            limit=limit,
            offset=offset,
            order=order,
            stats_cache=self._stats_cache,
        )

    async def coverage(self, place_keys: frozenset[str] | None) -> Coverage:
        """Count and date range of published events within places."""
        return await self._reads.coverage(place_keys)

    async def load(self, ids: Sequence[int]) -> list[EventRecord]:
        """Events by id with their sources, in the order given."""
        return await self._reads.load(ids)


class EventReader:
    """Opens reads of events on one pooled connection (see eventreads.open_reads)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self.stats_cache = StatsCache()  # planner counts: speed only, never what is found
        self._words = EventWords(sessions)  # the stored events' words, learnt on demand

    async def lexicon(self) -> Lexicon:
        """The stored events' words, for question words (the domain's LexiconSource)."""
        return await self._words.lexicon()

    def reads(self) -> AbstractAsyncContextManager[_Reads]:
        """Reads on one connection, released when the block ends."""
        return self._open()

    @asynccontextmanager
    async def _open(self) -> AsyncIterator[_Reads]:
        async with open_reads(self._sessions) as reads:
            yield _Reads(reads, self.stats_cache)

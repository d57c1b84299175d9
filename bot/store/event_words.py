"""The words of the stored events, for reading question words against (storewords.Lexicon).

Learnt on the first question that has leftover words, then grown before each such question by
the events stored since, by any process (the highest event id is the watermark: one index probe).
Up to INLINE events are learnt within the question; more (a first question on a large store) are
learnt in the background while questions are answered without the check (an incomplete lexicon
corrects and drops nothing). Measured on 20k synthetic ACLED events (a machine shared by other
jobs): ~0.8 s of CPU to read and learn them (2.5-7 s wall), 4.8k words; PostgreSQL's ts_stat
over the same events took 2.3-3.1 s on every call. An edited summary's new words are learnt at
the next start.
"""

from __future__ import annotations

import asyncio
import logging
import time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.questions.storewords import Lexicon
from bot.store.models.events import EventRow

log = logging.getLogger(__name__)

CHUNK = 2000  # events read per round trip while learning
INLINE = 5000  # events learnt within a question; more are learnt in the background


class EventWords:
    """The store's vocabulary (what the answers' LexiconSource gives), kept in this process."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], inline: int = INLINE) -> None:
        self._sessions = sessions
        self._inline = inline
        self._lexicon = Lexicon()
        self._seen = 0  # the highest event id learnt
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def lexicon(self) -> Lexicon:
        """The vocabulary, with the words of events stored since the last call (see the module)."""
        if self._task is not None:
            if not self._task.done():
                return self._lexicon  # still learning: incomplete
            failed = None if self._task.cancelled() else self._task.exception()
            if failed is not None:
                log.warning("store words: learning failed (%s); trying again", failed)
            self._task = None
        async with self._lock:
            async with self._sessions() as session:
                top = await session.scalar(select(func.max(EventRow.id)))
            if top is None or top <= self._seen:
                return self._lexicon
            if top - self._seen > self._inline:
                self._lexicon.learning = True
                self._task = asyncio.create_task(self._learn(top))
                return self._lexicon
            await self._learn(top)
        return self._lexicon

    async def ready(self) -> Lexicon:
        """The vocabulary once every stored event's words are learnt (waiting for the
        background learning, if any)."""
        await self.lexicon()
        if self._task is not None:
            await asyncio.shield(self._task)
        return await self.lexicon()

    async def _learn(self, top: int) -> None:
        """Learn the words of the events up to `top` not learnt yet."""
        started = time.perf_counter()
        e = EventRow
        try:
            while self._seen < top:
                async with self._sessions() as session:
                    rows = (
                        await session.execute(
                            select(e.id, e.summary, e.actors_text, e.event_type, e.place_text)
                            .where(e.id > self._seen, e.id <= top)
                            .order_by(e.id)
                            .limit(CHUNK)
                        )
                    ).all()
                if not rows:
                    break
                self._lexicon.add_text(
                    f"{r.summary} {r.actors_text or ''} {r.event_type or ''} {r.place_text}"
                    for r in rows
                )
                self._seen = rows[-1].id
            self._seen = max(self._seen, top)
        finally:
            self._lexicon.learning = False
        log.info(
            "store words: %d words up to event %d (%.0f ms)",
            len(self._lexicon),
            top,
            (time.perf_counter() - started) * 1000,
        )

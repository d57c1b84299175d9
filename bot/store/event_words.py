"""The words of the stored events, for reading question words against (storewords.Lexicon).

Built lazily on the first question that has leftover words, then grown before each such question
by the events stored since (any process: the highest event id is the watermark, one index probe).
Measured on SQLite and PostgreSQL by tests/storage/test_store_words.py; an edited summary's new
words are learnt at the next start.
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

CHUNK = 5000  # events read per round trip while learning


class EventWords:
    """The store's vocabulary (the domain's LexiconSource), kept in this process."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._lexicon = Lexicon()
        self._seen = 0  # the highest event id learnt
        self._lock = asyncio.Lock()

    async def lexicon(self) -> Lexicon:
        """The vocabulary, with the words of events stored since the last call."""
        async with self._lock:
            async with self._sessions() as session:
                top = await session.scalar(select(func.max(EventRow.id)))
                if top is None or top <= self._seen:
                    return self._lexicon
                started = time.perf_counter()
                e = EventRow
                while self._seen < top:
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
                self._seen = top
            log.info(
                "store words: %d words after event %d (%.0f ms)",
                len(self._lexicon),
                top,
                (time.perf_counter() - started) * 1000,
            )
            return self._lexicon

"""What ingestion needs from storage: the articles kept for provenance, and the events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.events.model import EventDraft, EventView, SourceInfo
from bot.domain.events.records import AddResult


class ArticleRepository(Protocol):
    """Stored articles (one per content hash) and the event sources that point at them."""

    async def find(self, digest: str) -> int | None:
        """The id of the article with this content hash, if one is stored."""
        ...

    async def event_ids(self, article_id: int) -> list[int]:
        """Ids of the events with a source from this article (lowest first, maybe repeated)."""
        ...

    async def add(
        self, body: str, digest: str, source: SourceInfo, by: int | None, at: datetime
    ) -> int | None:
        """Store an article; its id, or None when one with this hash was stored meanwhile."""
        ...

    async def forget(self, article_id: int) -> None:
        """Delete an article (its events could not be stored)."""
        ...

    async def link_sources(self, article_id: int, event_ids: list[int], source: SourceInfo) -> None:
        """Point this article's sources (same outlet and URL) on these events at the article."""
        ...


class IngestEvents(Protocol):
    """The event store as ingestion uses it."""

    async def add_many(
        self, drafts: Sequence[EventDraft], *, by: int | None = None
    ) -> list[AddResult]:
        """Store several drafts in one transaction (merging duplicates)."""
        ...

    async def get_many(self, ids: Sequence[int]) -> list[EventView]:
        """Events by id, in the order given (missing ids skipped)."""
        ...

"""Counting what sources brought for review: drafts from items extracted in a window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events.model import EventStatus
from bot.store.models.events import EventRow, SourceRow
from bot.store.models.sources import NewsItemRow


class SourceReviewStore:
    """The domain's DraftCounts."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def drafts_between(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(drafts still waiting, sources they came from) of items extracted in [start, end)."""
        stmt = (
            select(
                func.count(func.distinct(EventRow.id)),
                func.count(func.distinct(NewsItemRow.source_id)),
            )
            .select_from(NewsItemRow)
            .join(SourceRow, SourceRow.article_id == NewsItemRow.article_id)
            .join(EventRow, EventRow.id == SourceRow.event_id)
            .where(
                NewsItemRow.done_at >= start,
                NewsItemRow.done_at < end,
                NewsItemRow.article_id.is_not(None),
                EventRow.status == EventStatus.DRAFT.value,
            )
        )
        async with self._sessions() as session:
            drafts, sources = (await session.execute(stmt)).one()
        return int(drafts or 0), int(sources or 0)

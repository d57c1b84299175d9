"""Articles kept for provenance: stored once per content hash, linked from event sources."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events.model import SourceInfo
from bot.store.models.events import ArticleRow, SourceRow


class ArticleStore:
    """The ingestion's ArticleRepository on the articles and sources tables."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def find(self, digest: str) -> int | None:
        """The id of the article with this content hash, if one is stored."""
        async with self._sessions() as session:
            return await session.scalar(
                select(ArticleRow.id).where(ArticleRow.content_hash == digest)
            )

    async def event_ids(self, article_id: int) -> list[int]:
        """Ids of the events with a source from this article (lowest first, maybe repeated)."""
        async with self._sessions() as session:
            ids = (
                await session.scalars(
                    select(SourceRow.event_id)
                    .where(SourceRow.article_id == article_id)
                    .order_by(SourceRow.event_id)
                )
            ).all()
        return list(ids)

    async def add(
        self, body: str, digest: str, source: SourceInfo, by: int | None, at: datetime
    ) -> int | None:
        """Store an article; its id, or None when one with this hash was stored meanwhile."""
        row = ArticleRow(
            content_hash=digest,
            text=body,
            title=source.title,
            outlet=source.outlet,
            url=source.url or None,
            published_on=source.published_on,
            ingested_at=at,
            ingested_by=by,
        )
        try:
            async with self._sessions.begin() as session:
                session.add(row)
                await session.flush()
                return row.id
        except IntegrityError:
            return None

    async def forget(self, article_id: int) -> None:
        """Delete an article (its events could not be stored)."""
        async with self._sessions.begin() as session:
            row = await session.get(ArticleRow, article_id)
            if row is not None:
                await session.delete(row)

    async def link_sources(self, article_id: int, event_ids: list[int], source: SourceInfo) -> None:
        """Point this article's sources (same outlet and URL) on these events at the article."""
        if not event_ids:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(SourceRow)
                .where(
                    SourceRow.event_id.in_(event_ids),
                    SourceRow.outlet == source.outlet,
                    SourceRow.url == source.url,
                    SourceRow.article_id.is_(None),
                )
                .values(article_id=article_id)
            )

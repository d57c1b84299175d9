"""Key figures' storage: add, list the active ones, retire (implements FigureRepository)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.editions.model import FigureView
from bot.store.models.delivery import KeyFigureRow


class FigureStore:
    """Key figures in their table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(
        self, *, text: str, as_of: date, source: str, created_at: datetime, created_by: int | None
    ) -> FigureView:
        """Store an active figure."""
        async with self._sessions.begin() as session:
            row = KeyFigureRow(
                text=text,
                as_of=as_of,
                source=source,
                active=True,
                created_at=created_at,
                created_by=created_by,
            )
            session.add(row)
            await session.flush()
            return FigureView(row.id, row.text, row.as_of, row.source, row.created_at)

    async def active(self) -> list[FigureView]:
        """Active figures, newest first."""
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(KeyFigureRow)
                    .where(KeyFigureRow.active.is_(True))
                    .order_by(KeyFigureRow.as_of.desc(), KeyFigureRow.id)
                )
            ).all()
        return [FigureView(r.id, r.text, r.as_of, r.source, r.created_at) for r in rows]

    async def retire(self, figure_id: int) -> bool:
        """Deactivate a figure; False when there is no such active figure."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(KeyFigureRow)
                .where(KeyFigureRow.id == figure_id, KeyFigureRow.active.is_(True))
                .values(active=False)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

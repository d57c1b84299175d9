"""Helpers of the actor tests: counting and reading the actors table."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.models.actors import ActorRow


async def actor_rows(sessions: async_sessionmaker[AsyncSession]) -> int:
    """How many actors the table holds."""
    async with sessions() as s:
        return int(await s.scalar(select(func.count(ActorRow.id))) or 0)


async def actor_row(sessions: async_sessionmaker[AsyncSession], name: str) -> ActorRow | None:
    """The stored row of one actor, by canonical name."""
    async with sessions() as s:
        return await s.scalar(select(ActorRow).where(ActorRow.name == name))

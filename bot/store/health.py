"""Health checks of the database: whether it answers, and the outbox backlog."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.delivery_states import PENDING_STATES
from bot.store.models.delivery import OutboxRow
from bot.store.session import create_engine

log = logging.getLogger(__name__)


class StoreHealth:
    """Probes the open database for the webhook's health path."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def outbox_pending(self) -> int:
        """`SELECT 1`, then the outbox backlog; raises when the database cannot be reached."""
        async with self._sessions() as session:
            await session.execute(text("SELECT 1"))
            pending = await session.scalar(
                select(func.count(OutboxRow.id)).where(OutboxRow.state.in_(PENDING_STATES))
            )
        return int(pending or 0)


async def database_problem(url: str, timeout: float) -> Exception | None:
    """None when the database at `url` answers `SELECT 1` within `timeout` seconds, else the
    error (the engine is disposed of either way)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await asyncio.wait_for(conn.execute(text("SELECT 1")), timeout)
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    return None

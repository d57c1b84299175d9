"""The audit log: every admin action, who did it, when and on what."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.domain.people.access import AuditEntry
from bot.store.models.newsroom import AuditRow
from bot.store.models.people import User

log = logging.getLogger(__name__)

MAX_ACTION = 40
MAX_TARGET = 160
MAX_DETAIL = 300
MAX_RECENT = 100


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AuditLog:
    """Writes and reads the audit log; each call is its own unit of work."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def record(
        self, actor_id: int | None, action: str, target: str = "", detail: str = ""
    ) -> None:
        """Append one entry (action ≤ 40, target ≤ 160, detail ≤ 300 characters)."""
        row = AuditRow(
            at=self._clock.now(),
            actor_id=actor_id,
            action=_clip(action, MAX_ACTION),
            target=_clip(target, MAX_TARGET),
            detail=_clip(detail, MAX_DETAIL),
        )
        async with self._sessions.begin() as session:
            session.add(row)
        log.info("audit: %s by %s on %s", row.action, actor_id, row.target)

    async def recent(self, limit: int = 20, offset: int = 0) -> list[AuditEntry]:
        """The newest entries first (at most 100 per call)."""
        limit = max(0, min(limit, MAX_RECENT))
        stmt = (
            select(AuditRow, User.first_name, User.username)
            .outerjoin(User, User.id == AuditRow.actor_id)
            .order_by(AuditRow.at.desc(), AuditRow.id.desc())
            .limit(limit)
            .offset(max(0, offset))
        )
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [
            AuditEntry(
                id=row.id,
                at=row.at,
                actor_id=row.actor_id,
                actor_name=f"@{username}" if username else (first_name or ""),
                action=row.action,
                target=row.target,
                detail=row.detail,
            )
            for row, first_name, username in rows
        ]

    async def count(self) -> int:
        """How many entries the log holds."""
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(AuditRow)) or 0)

"""Admin tool tests' users and store probes: row counts per table or model, the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

import bot.store.models  # noqa: F401  (every table in Base.metadata)
from bot.store.audit import AuditLog
from bot.store.models.base import Base
from tests.support.harness import Harness

PLAIN_ADMIN = 555
MEMBER = 5002


async def table_counts(h: Harness) -> dict[str, int]:
    """Rows in every table."""
    async with h.services.sessions() as session:
        return {
            t.name: int(await session.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


async def rows(h: Harness, model: Any, *where: Any) -> int:
    """Rows of one model matching `where`."""
    async with h.services.sessions() as session:
        stmt = select(func.count()).select_from(model)
        if where:
            stmt = stmt.where(*where)
        return int(await session.scalar(stmt) or 0)


def audit(h: Harness) -> AuditLog:
    """The audit log of the running app's store."""
    return AuditLog(h.services.sessions, h.services.clock)

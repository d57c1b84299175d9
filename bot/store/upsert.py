"""Dialect-aware INSERT … ON CONFLICT for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.dialect import dialect_for


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT construct of the session's dialect, which supports on_conflict_do_*."""
    return dialect_for(session).insert(table)

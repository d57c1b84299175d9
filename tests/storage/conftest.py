"""Fixtures of the storage tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.session import create_engine


@pytest.fixture
async def engines(db_url: str) -> AsyncIterator[list[AsyncEngine]]:
    """Two engines on one database: two Sitrep instances sharing PostgreSQL (or one SQLite file)."""
    made = [create_engine(db_url), create_engine(db_url)]
    try:
        yield made
    finally:
        for engine in made:
            await engine.dispose()

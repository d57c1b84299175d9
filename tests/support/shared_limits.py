"""Helpers of the multi-instance tests: stores to test against, the bucket table, window counts."""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Sequence

import asyncpg

from tests.support import dbtools

REDIS_ENV = "SITREP_TEST_REDIS_URL"

# Until the migration lands; the same shape as the model the lead adds (see bot/delivery/ratelimit).
RATE_BUCKETS_DDL = (
    "CREATE TABLE IF NOT EXISTS rate_buckets "
    "(name VARCHAR(64) PRIMARY KEY, next_at DOUBLE PRECISION NOT NULL)"
)


def redis_url() -> str | None:
    """The Redis URL tests may use, or None when Redis tests are off."""
    return os.environ.get(REDIS_ENV) or None


async def create_rate_buckets(url: str) -> None:
    """Make sure the database has the bucket table."""
    conn = await asyncpg.connect(dbtools._pg_dsn(url))
    try:
        await conn.execute(RATE_BUCKETS_DDL)
    finally:
        await conn.close()


def max_in_window(times: Sequence[float], width: float = 1.0) -> int:
    """The most instants in any half-open window [t, t + width)."""
    ordered = sorted(times)
    return max(
        (bisect_left(ordered, t + width, lo=i) - i for i, t in enumerate(ordered)), default=0
    )

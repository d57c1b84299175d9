"""Shared fixtures: migrated databases on SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.domain.ingest.parsing import install_default_parser
from bot.nlp.spacy_parser import shared_parser
from tests.support import dbtools
from tests.support.harness import Harness, running_bot

# Extraction's language engine, one per test process (its model loads on the first article).
install_default_parser(shared_parser())

# Tests never read the developer's .env or real token.
for _var in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "WEBHOOK_URL", "WEBHOOK_SECRET"):
    os.environ.pop(_var, None)
# The app's per-chat pacing of replies and sends is off in tests (their fake Bot API enforces no
# limits unless a test asks; tests of the limits configure the sender or the setting explicitly).
os.environ["SEND_CHAT_INTERVAL"] = "0"
os.environ["SEND_GROUP_PER_MINUTE"] = "0"

# A PostgreSQL variant creates and drops a database of its own: slow tier.
BACKENDS = ["sqlite", pytest.param("postgresql", marks=[pytest.mark.pg, pytest.mark.slow])]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test session."""
    return dbtools.make_sqlite_template(tmp_path_factory.mktemp("tmpl"))


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str | None]:
    """One migrated PostgreSQL template database per session (None when PostgreSQL is off)."""
    url = dbtools.pg_url()
    if url is None:
        yield None
        return
    name = dbtools.make_pg_template(url)
    try:
        yield name
    finally:
        dbtools.drop_pg_database(url, name)


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    pg_template: str | None,
) -> Iterator[str]:
    """A fresh, migrated database URL on each backend (PostgreSQL skipped when not configured)."""
    if request.param == "sqlite":
        yield dbtools.copy_sqlite(sqlite_template, tmp_path)
        return
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, pg_template) as url:
        yield url


@pytest.fixture
def sqlite_db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite database (for handler tests, where the backend is not the point)."""
    return dbtools.copy_sqlite(sqlite_template, tmp_path)


@pytest.fixture
async def bot(sqlite_db_url: str) -> AsyncIterator[Harness]:
    """The real application on a fresh SQLite store, talking to an in-process Bot API."""
    async with running_bot(sqlite_db_url) as harness:
        yield harness


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.pg, pytest.mark.slow])]
)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no migrations applied) on each backend."""
    if request.param == "sqlite":
        yield dbtools.sqlite_url(tmp_path / "empty.db")
        return
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, None) as url:
        yield url

"""Test databases: a migrated SQLite file per test; a fresh PostgreSQL database when configured."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bot.bootstrap import open_services
from bot.config import Settings
from bot.domain.clock import Clock
from bot.store.migrate import upgrade

PG_ENV = "SITREP_TEST_DATABASE_URL"


def pg_url() -> str | None:
    """The PostgreSQL URL tests may use, or None when PostgreSQL tests are off."""
    return os.environ.get(PG_ENV) or None


def sqlite_url(path: Path) -> str:
    """An aiosqlite URL for a file."""
    return f"sqlite+aiosqlite:///{path}"


async def prepare(url: str) -> None:
    """Migrate a database and sync the shipped gazetteer into it, as start-up would."""
    await upgrade(url)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    async with open_services(settings, Clock()):
        pass


def make_sqlite_template(directory: Path) -> Path:
    """Create one prepared SQLite file that tests copy (preparing once is faster)."""
    path = directory / "template.db"
    asyncio.run(prepare(sqlite_url(path)))
    return path


def copy_sqlite(template: Path, directory: Path) -> str:
    """A fresh migrated SQLite database for one test."""
    target = directory / f"sitrep-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, target)
    return sqlite_url(target)


def _pg_dsn(url: str, database: str | None = None) -> str:
    u = make_url(url).set(drivername="postgresql")
    if database is not None:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


async def _pg_exec(url: str, sql: str) -> None:
    conn = await asyncpg.connect(_pg_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def make_pg_template(base_url: str) -> str:
    """Create a migrated template database on the server; return its name (one per session, so
    one per xdist worker: the worker's name and a random part keep them apart)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"sitrep_tmpl_{worker}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_exec(base_url, f'CREATE DATABASE "{name}"'))
    target = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(prepare(target))
    return name


def drop_pg_database(base_url: str, name: str) -> None:
    """Drop a test database (WITH FORCE: pools may still hold connections)."""
    asyncio.run(_pg_exec(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def pg_database(base_url: str, template: str | None) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, cloned from the migrated template if given."""
    name = f"sitrep_t_{uuid.uuid4().hex[:10]}"
    tmpl = f' TEMPLATE "{template}"' if template else ""
    asyncio.run(_pg_exec(base_url, f'CREATE DATABASE "{name}"{tmpl}'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_pg_database(base_url, name)

"""Alembic, driven from code: the URL comes from Sitrep's settings, never from an ini file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
from bot.store.session import create_engine

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent


# Full-text index tables are created by hand-written SQL in migrations (FTS5 virtual tables and
# their shadow tables on SQLite); autogenerate must not propose dropping them.
FTS_PREFIXES = ("events_fts",)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave full-text index tables out of autogenerate comparison."""
    return not (type_ in ("table", "index") and name is not None and name.startswith(FTS_PREFIXES))


def alembic_config(url: str, *, stdout: TextIO | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations and the given database URL."""
    cfg = Config(stdout=stdout) if stdout is not None else Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def _run_on_engine(engine: AsyncEngine, fn: Callable[[Config], Any], url: str) -> Any:
    cfg = alembic_config(url)
    async with engine.begin() as conn:

        def _go(sync_conn: Connection) -> Any:
            cfg.attributes["connection"] = sync_conn
            return fn(cfg)

        return await conn.run_sync(_go)


async def run_alembic(url: str, fn: Callable[[Config], Any]) -> Any:
    """Run an Alembic command on its own engine (disposed after), inside the current loop."""
    engine = create_engine(url)
    try:
        return await _run_on_engine(engine, fn, url)
    finally:
        await engine.dispose()


async def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    await run_alembic(url, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(url: str, revision: str = "base") -> None:
    """Revert migrations down to `revision`."""
    await run_alembic(url, lambda cfg: command.downgrade(cfg, revision))


def head_revision() -> str | None:
    """The newest revision shipped with this version of Sitrep."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def current_revision(url: str) -> str | None:
    """The revision the database is at (None for an empty database)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision()
            )
    finally:
        await engine.dispose()


def upgrade_sync(url: str, revision: str = "head") -> None:
    """Apply migrations from synchronous code (CLI), before any event loop runs."""
    asyncio.run(upgrade(url, revision))

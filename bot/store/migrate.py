"""Alembic, driven from code: the URL comes from Sitrep's settings, never from an ini file."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import migrations
from bot.store.session import create_engine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(migrations.__file__).resolve().parent
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
_REVISION_LINE = re.compile(
    r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(None|[\"']([^\"']*)[\"'])\s*$", re.M
)


# Full-text index tables are created by hand-written SQL in migrations (FTS5 virtual tables and
# their shadow tables on SQLite); autogenerate must not propose dropping them.
FTS_PREFIXES = ("events_fts",)
# PostgreSQL's stored text-search vector (migration 0010): kept by a trigger, no model column.
FTS_COLUMNS = ("search_vector",)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave full-text index tables and columns out of autogenerate comparison."""
    if type_ == "column" and name in FTS_COLUMNS:
        return False
    return not (type_ in ("table", "index") and name is not None and name.startswith(FTS_PREFIXES))


def alembic_config(url: str, *, stdout: TextIO | None = None) -> Config:
    """An Alembic Config pointing at the packaged migrations and the given database URL."""
    from alembic.config import Config

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
    from alembic import command

    await run_alembic(url, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(url: str, revision: str = "base") -> None:
    """Revert migrations down to `revision`."""
    from alembic import command

    await run_alembic(url, lambda cfg: command.downgrade(cfg, revision))


def head_revision() -> str | None:
    """The newest revision shipped with this version of Sitrep."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def current_revision(url: str) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

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


@lru_cache(maxsize=1)
def shipped_head() -> str | None:
    """The head revision read from the migration files' `revision`/`down_revision` lines, without
    Alembic; None unless they name exactly one head (then only Alembic can say)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS_DIR.glob("*.py"):
        found = dict((m[0], m[2]) for m in _REVISION_LINE.findall(path.read_text("utf-8")))
        if found.get("revision"):
            revisions.add(found["revision"])
            parents.add(found.get("down_revision") or "")
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def stored_revisions(engine: AsyncEngine) -> frozenset[str] | None:
    """The revisions in the database's alembic_version table (one query); None when it cannot
    be read, e.g. an empty database."""
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(str(r[0]) for r in rows)
    except DBAPIError:
        return None


def sqlite_file_revisions(url: str) -> frozenset[str] | None:
    """The revisions in a SQLite file's alembic_version table, read with the standard library
    (no engine, no event loop): None for another backend, a missing file or no such table."""
    from bot.store.dialect import dialect_for

    dialect = dialect_for(url)
    path = dialect.database_file(url) if dialect.is_sqlite else None
    if path is None or not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
        return frozenset(str(r[0]) for r in rows)
    except sqlite3.Error:
        return None
    finally:
        con.close()


async def upgrade_if_behind(url: str) -> bool:
    """Apply pending migrations, as `upgrade(url)` does, but only run Alembic when the database's
    revision differs from the shipped head; True when Alembic ran. A SQLite file at the head
    costs one read of it (no engine is opened)."""
    head = shipped_head()
    if head is not None and sqlite_file_revisions(url) == {head}:
        return False
    engine = create_engine(url)
    try:
        if head is not None and await stored_revisions(engine) == {head}:
            return False
        from alembic import command

        await _run_on_engine(engine, lambda cfg: command.upgrade(cfg, "head"), url)
        return True
    finally:
        await engine.dispose()

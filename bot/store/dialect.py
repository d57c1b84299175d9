"""The SQLite/PostgreSQL differences, one object per backend, chosen by `dialect_for`.

SQLite is the embedded default, PostgreSQL the production store. Every test of which backend a
URL, engine, connection or session uses is made here; the rest of the store asks the object.
Any backend other than SQLite is treated as PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.engine import Dialect as SQLDialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
_IN_MEMORY = (None, "", ":memory:")


class Dialect:
    """What differs between the backends; `SqliteDialect` and `PostgresDialect` fill it in."""

    name: str = ""
    is_sqlite: bool = False
    # SQLite's DateTime(timezone=True) drops the offset: instants are stored as naive UTC.
    naive_datetimes: bool = False
    # Full-text index in a table of its own, kept in step by triggers (SQLite FTS5), rather than
    # an expression index that follows the rows (PostgreSQL GIN).
    fulltext_table: bool = False
    # Integer keys drawn from sequences, which a copy must move past the copied rows.
    has_sequences: bool = False
    # Planner statistics worth refreshing (ANALYZE) after a bulk load.
    analyze_after_load: bool = False
    # Alembic must recreate tables to alter them (batch mode).
    batch_migrations: bool = False
    # A list bound as one ARRAY parameter (else as one JSON parameter, read with json_each).
    array_parameters: bool = False

    def insert(self, table: Any) -> Any:
        """An INSERT construct of this backend, which supports on_conflict_do_*."""
        raise NotImplementedError

    def database_file(self, url: str | URL) -> Path | None:
        """The database file of a file-based SQLite URL (None in memory or on a server)."""
        return None

    def ensure_database_dir(self, url: str | URL) -> None:
        """Create the directory of a SQLite database file, so a fresh checkout just works."""
        path = self.database_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def engine_options(self) -> dict[str, Any]:
        """Keyword arguments for create_async_engine (connect args, pool sizes)."""
        return {}

    def configure_engine(self, engine: AsyncEngine, url: str | URL) -> None:
        """Install what every connection of the application's engine needs."""

    def read_only_engine(self, url: str | URL) -> AsyncEngine:
        """An engine that only reads, each transaction one consistent snapshot."""
        raise NotImplementedError

    def server_identity(self, url: str | URL) -> tuple[Any, ...]:
        """Where a server database lives: (host, port, database)."""
        parsed = make_url(url)
        return (parsed.host or "localhost", parsed.port or 5432, parsed.database)


class SqliteDialect(Dialect):
    """SQLite: WAL, foreign keys and BEGIN IMMEDIATE set up per connection; FTS5 full text."""

    name = SQLITE
    is_sqlite = True
    naive_datetimes = True
    fulltext_table = True
    batch_migrations = True

    def insert(self, table: Any) -> Any:
        """SQLite's INSERT, with on_conflict_do_nothing / on_conflict_do_update."""
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)

    def database_file(self, url: str | URL) -> Path | None:
        """The file of the URL, user-expanded (None for an in-memory database)."""
        database = make_url(url).database
        if database in _IN_MEMORY:
            return None
        return Path(str(database)).expanduser()

    def engine_options(self) -> dict[str, Any]:
        """The driver waits up to 30 s for a lock."""
        return {"connect_args": {"timeout": 30}}

    def configure_engine(self, engine: AsyncEngine, url: str | URL) -> None:
        """Foreign keys, a busy timeout, WAL for files, and every transaction BEGIN IMMEDIATE."""
        on_file = make_url(url).database not in _IN_MEMORY

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # SQLAlchemy, not the driver, opens transactions, always as BEGIN IMMEDIATE (below):
            # a transaction that reads and then writes can never fail with SQLITE_BUSY_SNAPSHOT.
            dbapi_conn.isolation_level = None
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if on_file:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    def read_only_engine(self, url: str | URL) -> AsyncEngine:
        """PRAGMA query_only, and a deferred BEGIN: a read snapshot, no write lock."""
        engine = create_async_engine(url, **self.engine_options())

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA query_only=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")  # deferred: a read snapshot, no write lock

        return engine


class PostgresDialect(Dialect):
    """PostgreSQL: a pooled server connection, sequences, a GIN expression index for full text."""

    name = POSTGRESQL
    has_sequences = True
    array_parameters = True
    analyze_after_load = True

    def insert(self, table: Any) -> Any:
        """PostgreSQL's INSERT, with on_conflict_do_nothing / on_conflict_do_update."""
        from sqlalchemy.dialects import postgresql  # imported by PostgreSQL stores only

        return postgresql.insert(table)

    def engine_options(self) -> dict[str, Any]:
        """Pings before use, a pool of 10 and 10 more on demand."""
        return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 10}

    def read_only_engine(self, url: str | URL) -> AsyncEngine:
        """Read-only REPEATABLE READ transactions."""
        return create_async_engine(
            url,
            isolation_level="REPEATABLE READ",
            execution_options={"postgresql_readonly": True},
        )


SQLITE_DIALECT = SqliteDialect()
POSTGRES_DIALECT = PostgresDialect()

# What dialect_for accepts: a URL (string or parsed), SQLAlchemy's dialect, an engine or
# connection (sync or async), or a session (one without a bind counts as SQLite).
Where = (
    str
    | URL
    | SQLDialect
    | AsyncEngine
    | AsyncConnection
    | Engine
    | Connection
    | AsyncSession
    | Session
)


def backend_name(where: Where) -> str:
    """The SQLAlchemy backend name ("sqlite", "postgresql", …) of a URL, engine or session."""
    if isinstance(where, SQLDialect):
        return str(where.name)
    if isinstance(where, str | URL):
        return make_url(where).get_backend_name()
    if isinstance(where, AsyncSession | Session):
        bind = where.bind
        return str(bind.dialect.name) if bind is not None else SQLITE
    return str(where.dialect.name)


def dialect_for(where: Where | Dialect) -> Dialect:
    """The backend object of a URL, SQLAlchemy dialect, engine, connection or session."""
    if isinstance(where, Dialect):
        return where
    return SQLITE_DIALECT if backend_name(where) == SQLITE else POSTGRES_DIALECT

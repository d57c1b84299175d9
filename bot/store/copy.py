"""Copy a whole Sitrep store from one database to another (SQLite ⇄ PostgreSQL).

Every table of the models is copied with SQLAlchemy Core, in foreign-key order, streamed from
the source in chunks and written in one destination transaction: a failure leaves the destination
as it was (migrated, empty). Values go through the column types both ways (UTCDateTime, Date,
Boolean), so instants stay aware UTC and booleans stay booleans on either backend.

The source is only read: SQLite is opened with `PRAGMA query_only`, PostgreSQL in a read-only
REPEATABLE READ transaction, so every table is read from one consistent snapshot. Both stores must
be at the migrations' head. Full-text search needs no copying: PostgreSQL's GIN expression index
follows the rows; SQLite's FTS5 index is rebuilt from the copied events in the same transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.util.exc import CommandError
from sqlalchemy import Integer, String, Table, func, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import bot.store.models  # noqa: F401  (registers every table on Base.metadata)
from bot.store.dialect import backend_name, dialect_for
from bot.store.fulltext import insert_trigger_paused
from bot.store.migrate import current_revision, head_revision, upgrade
from bot.store.models.base import Base
from bot.store.session import create_engine

log = logging.getLogger(__name__)

CHUNK_ROWS = 5_000  # rows per INSERT round trip
CHUNK_CHARS = 8_000_000  # … or fewer, once their text adds up to this many characters
FETCH_ROWS = 1_000  # rows fetched from the source cursor at a time
# Tables of the database that are not models: Alembic's, SQLite's own and the FTS5 index.
NOT_MODELS = ("alembic_version", "sqlite_", "events_fts")


class CopyRefused(Exception):
    """A precondition does not hold; nothing was written to the destination."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    """How far one table's copy has come."""

    name: str
    rows: int  # copied so far
    total: int  # rows in the source table
    seconds: float
    done: bool


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What a finished copy did."""

    tables: tuple[TableCopy, ...]
    seconds: float
    revision: str | None
    unknown_tables: tuple[str, ...]  # tables of the source that no model describes (not copied)

    @property
    def rows(self) -> int:
        """Rows copied in all."""
        return sum(t.rows for t in self.tables)


Progress = Callable[[TableCopy], None]
Notice = Callable[[str], None]  # one line about a slow step (full-text rebuild, ANALYZE)


def safe_url(url: str) -> str:
    """The URL with its password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable URL>"


def tables() -> list[Table]:
    """Every table of the models, parents before children."""
    return list(Base.metadata.sorted_tables)


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another backend); raises for in-memory databases."""
    dialect = dialect_for(url)
    if not dialect.is_sqlite:
        return None
    path = dialect.database_file(url)
    if path is None:
        raise CopyRefused(f"{safe_url(url)} is an in-memory SQLite database")
    return path.resolve()


def same_database(a: str, b: str) -> bool:
    """Whether two URLs name the same database (same SQLite file, or same server and name)."""
    if backend_name(a) != backend_name(b):
        return False
    da, db = dialect_for(a), dialect_for(b)
    if da.is_sqlite:
        return _sqlite_path(a) == _sqlite_path(b)
    return da.server_identity(a) == db.server_identity(b)


def _source_engine(url: str) -> AsyncEngine:
    """An engine that only reads: SQLite query_only with deferred BEGIN, else read-only RR."""
    return dialect_for(url).read_only_engine(url)


def _revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _table_names(conn: Connection) -> list[str]:
    return list(inspect(conn).get_table_names())


async def _non_empty(conn: AsyncConnection, only: set[str] | None = None) -> list[str]:
    """Names of model tables that hold at least one row (among `only` when given)."""
    out = []
    for table in tables():
        if only is not None and table.name not in only:
            continue
        if (await conn.execute(select(1).select_from(table).limit(1))).first() is not None:
            out.append(table.name)
    return out


async def _check_source(conn: AsyncConnection, url: str, head: str | None) -> tuple[str, ...]:
    """Refuse a source that is not at head; return the tables no model describes."""
    revision = await conn.run_sync(_revision)
    if revision is None:
        raise CopyRefused(f"the source {safe_url(url)} is not a Sitrep database (no revision)")
    if revision != head:
        raise CopyRefused(
            f"the source is at revision {revision}, not at this version's head {head}: "
            f"run `sitrep db upgrade --db SOURCE_URL` first (the copy never writes to the source)"
        )
    known = {t.name for t in tables()}
    names = await conn.run_sync(_table_names)
    return tuple(sorted(n for n in names if n not in known and not n.startswith(NOT_MODELS)))


async def _check_destination_empty(url: str) -> None:
    """Before migrating: refuse a destination whose existing model tables hold rows."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            present = set(await conn.run_sync(_table_names))
            full = await _non_empty(conn, present)
    finally:
        await engine.dispose()
    if full:
        raise CopyRefused(_full_message(full))


def _full_message(full: Sequence[str]) -> str:
    return (
        f"the destination already holds data ({', '.join(sorted(full))}); nothing copied. "
        "Copy into an empty database, or pass --replace to delete its rows first"
    )


async def _copy_table(
    src: AsyncConnection,
    dst: AsyncConnection,
    table: Table,
    chunk_rows: int,
    progress: Progress | None,
) -> TableCopy:
    """Stream one table, ordered by primary key, into the destination in chunks."""
    started = time.perf_counter()
    total = int((await src.execute(select(func.count()).select_from(table))).scalar_one())
    columns = list(table.c)
    keys = [c.key for c in columns]
    texts = [i for i, c in enumerate(columns) if isinstance(c.type, String)]
    insert = table.insert()
    stmt = select(*columns).order_by(*table.primary_key.columns)
    copied = 0
    batch: list[dict[str, Any]] = []
    chars = 0

    async def flush() -> None:
        nonlocal copied, batch, chars
        if not batch:
            return
        await dst.execute(insert, batch)
        copied += len(batch)
        batch, chars = [], 0
        if progress is not None:
            took = time.perf_counter() - started
            progress(TableCopy(table.name, copied, total, took, done=False))

    result = await src.stream(stmt.execution_options(yield_per=FETCH_ROWS))
    async for rows in result.partitions():
        for row in rows:
            batch.append(dict(zip(keys, row, strict=True)))
            chars += sum(len(row[i]) for i in texts if row[i] is not None)
            if len(batch) >= chunk_rows or chars >= CHUNK_CHARS:
                await flush()
    await flush()
    if copied != total:
        raise RuntimeError(f"{table.name}: read {copied} rows, the source counted {total}")
    done = TableCopy(table.name, copied, total, time.perf_counter() - started, done=True)
    if progress is not None:
        progress(done)
    log.info("copied %s: %d rows in %.1f s", table.name, copied, done.seconds)
    return done


async def _sqlite_fulltext(dst: AsyncConnection) -> set[str]:
    """The SQLite full-text table the destination has (events_fts), if any."""
    if not dialect_for(dst).fulltext_table:
        return set()
    rows = await dst.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events_fts'"
    )
    return {str(r[0]) for r in rows}


async def _reset_sequences(dst: AsyncConnection) -> None:
    """PostgreSQL: move every serial/identity sequence of an integer key to max(key)."""
    quote = dst.dialect.identifier_preparer
    for table in tables():
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            name, col = quote.format_table(table), quote.quote(column.name)
            await dst.execute(
                text(
                    f"SELECT setval(seq::regclass, coalesce(m, 1), m IS NOT NULL) FROM "
                    f"(SELECT pg_get_serial_sequence(:t, :c) AS seq, "
                    f"(SELECT max({col}) FROM {name}) AS m) AS s WHERE seq IS NOT NULL"
                ),
                {"t": name, "c": column.name},
            )


async def _delete_all(dst: AsyncConnection) -> None:
    """Empty every model table, children first (--replace)."""
    for table in reversed(tables()):
        await dst.execute(table.delete())


async def _migrate_destination(dest_url: str, head: str | None, replace: bool) -> None:
    """Refuse a destination holding rows (unless replacing), then migrate it to head."""
    if not replace:
        await _check_destination_empty(dest_url)
    try:
        await upgrade(dest_url)
    except CommandError as exc:
        raise CopyRefused(f"cannot migrate the destination: {exc}") from None
    if await current_revision(dest_url) != head:
        raise CopyRefused(f"the destination is not at revision {head} after migrating")


async def _copy_all(
    src: AsyncConnection,
    dst: AsyncConnection,
    *,
    replace: bool,
    chunk_rows: int,
    progress: Progress | None,
    notice: Notice,
) -> list[TableCopy]:
    """Inside the destination's transaction: empty or check it, copy, then fix indexes/sequences."""
    if replace:
        await _delete_all(dst)
    else:
        full = await _non_empty(dst)
        if full:  # written since the first check
            raise CopyRefused(_full_message(full))
    fts = await _sqlite_fulltext(dst)
    async with insert_trigger_paused(dst):  # no indexing per row: one rebuild at the end
        done = [await _copy_table(src, dst, table, chunk_rows, progress) for table in tables()]
        started = time.perf_counter()
        if "events_fts" in fts:
            notice("rebuilding the full-text index")
            await dst.exec_driver_sql("INSERT INTO events_fts(events_fts) VALUES('rebuild')")
    if dialect_for(dst).has_sequences:
        await _reset_sequences(dst)
    log.info("full-text index and sequences done in %.1f s", time.perf_counter() - started)
    return done


async def _analyze(engine: AsyncEngine, notice: Notice) -> None:
    """PostgreSQL: fresh planner statistics for the tables just filled."""
    if not dialect_for(engine).analyze_after_load:
        return
    notice("updating the planner's statistics (ANALYZE)")
    quote = engine.dialect.identifier_preparer
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.exec_driver_sql("ANALYZE " + ", ".join(quote.format_table(t) for t in tables()))


async def copy_store(
    source_url: str,
    dest_url: str,
    *,
    replace: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> CopyReport:
    """Copy every model table from source to destination (migrated to head first) in one go."""
    started = time.perf_counter()
    if same_database(source_url, dest_url):
        raise CopyRefused("the source and the destination are the same database")
    path = _sqlite_path(source_url)
    if path is not None and not path.is_file():
        raise CopyRefused(f"the source {path} does not exist")
    _sqlite_path(dest_url)
    head = head_revision()
    say: Notice = notice or (lambda line: log.info("%s", line))
    src_engine = _source_engine(source_url)
    dst_engine: AsyncEngine | None = None
    try:
        async with src_engine.connect() as src:
            await src.begin()  # one snapshot for every table; rolled back, never committed
            unknown = await _check_source(src, source_url, head)
            await _migrate_destination(dest_url, head, replace)
            dst_engine = create_engine(dest_url)
            async with dst_engine.begin() as dst:
                done = await _copy_all(
                    src,
                    dst,
                    replace=replace,
                    chunk_rows=chunk_rows,
                    progress=progress,
                    notice=say,
                )
        await _analyze(dst_engine, say)
    finally:
        await src_engine.dispose()
        if dst_engine is not None:
            await dst_engine.dispose()
    report = CopyReport(tuple(done), time.perf_counter() - started, head, unknown)
    log.info("copied %d rows of %d tables in %.1f s", report.rows, len(done), report.seconds)
    return report

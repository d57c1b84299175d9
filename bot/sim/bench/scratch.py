"""Where bench parts run: fresh interpreters, prepared scratch stores, and what they measure on."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import platform
import resource
import shutil
import sqlite3
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.sim.bench.plans import CHUNK, DUE


def quiet(_: str) -> None:
    """A progress callback that says nothing (parts in child processes)."""


def isolated(part: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run one part in a fresh interpreter (spawned, not forked) and return its numbers."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(part, *args).result()


def peak_rss_mb() -> float:
    """The peak resident set so far of this process or any child it waited for (the import's
    writer process), in MB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                    break
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def bench_settings(url: str) -> Settings:
    """Settings of a scratch database at `url`."""
    return Settings(_env_file=None, database_url=url, default_timezone="Asia/Kabul")  # type: ignore[call-arg]


async def _prepare(url: str) -> None:
    """Migrate a scratch database and sync the shipped gazetteer into it."""
    from bot.bootstrap import open_services
    from bot.store.migrate import upgrade

    await upgrade(url)
    async with open_services(bench_settings(url), FixedClock(DUE)):
        pass


def asyncpg_url(url: str) -> str:
    """A PostgreSQL URL with the asyncpg driver SQLAlchemy needs (postgres://, postgresql://)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("postgres"):
        raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def _plain_dsn(url: str) -> str:
    """The URL as asyncpg's own connect() takes it (no +driver)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def scratch_pg_database(server_url: str, name: str) -> AsyncIterator[str]:
    """A new empty database on the server of `server_url`, dropped on leaving; yields its URL.

    `server_url` names any database the role may connect to (it issues CREATE/DROP DATABASE
    there); the scratch database is called sitrep_bench_<name>_<random>, so runs never collide.
    """
    import asyncpg
    from sqlalchemy.engine import make_url

    safe = "".join(c if c.isalnum() else "_" for c in name.lower())[:30]
    db = f"sitrep_bench_{safe}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_plain_dsn(server_url))
    try:
        await admin.execute(f'CREATE DATABASE "{db}"')
    finally:
        await admin.close()
    try:
        yield (
            make_url(asyncpg_url(server_url)).set(database=db).render_as_string(hide_password=False)
        )
    finally:
        admin = await asyncpg.connect(_plain_dsn(server_url))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        finally:
            await admin.close()


class ScratchStores:
    """Migrated, gazetteer-synced SQLite files: prepared once, then copied for each part.

    `pg_url` (from `sitrep bench --pg URL` or SITREP_BENCH_PG_URL) is the PostgreSQL server parts
    may also measure on, each in a scratch database of its own (`scratch_pg_database`); None
    when the run is SQLite only.
    """

    def __init__(self, directory: Path, pg_url: str | None = None) -> None:
        self.directory = directory
        self.pg_url = asyncpg_url(pg_url) if pg_url else None
        self._template: Path | None = None

    def pg_database(self, name: str) -> AbstractAsyncContextManager[str]:
        """A scratch PostgreSQL database (empty, not migrated) for one part; needs `pg_url`."""
        if self.pg_url is None:
            raise RuntimeError("no PostgreSQL server given (sitrep bench --pg URL)")
        return scratch_pg_database(self.pg_url, name)

    def fresh(self, name: str) -> str:
        """The URL of a new prepared database file called `name`.db."""
        if self._template is None:
            template = self.directory / "template.db"
            ready = self.directory / "template.ready"  # a part in an earlier process made it
            if not ready.exists():
                asyncio.run(_prepare(f"sqlite+aiosqlite:///{template}"))
                ready.touch()
            self._template = template
        target = self.directory / f"{name}.db"
        shutil.copyfile(self._template, target)
        return f"sqlite+aiosqlite:///{target}"


def chunks(items: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    """`items` in lists of at most `size`."""
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

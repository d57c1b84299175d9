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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
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


class ScratchStores:
    """Migrated, gazetteer-synced SQLite files: prepared once, then copied for each part."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._template: Path | None = None

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

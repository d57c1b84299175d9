"""Bench part (a): `ask` against the plain baseline on each store, each size in its own interpreter.

SQLite always; PostgreSQL when the run has a server (`sitrep bench --pg URL`), each size in a
scratch database created and dropped there. The flat keys (`ask_keys`) name store and size:
`ask_p50_ms_sqlite_100k`, `baseline_p95_ms_postgresql_1m`, …
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from bot.sim.bench.plans import Progress
from bot.sim.bench.scratch import isolated, peak_rss_mb

STORES = ("sqlite", "postgresql")


def size_label(events: int) -> str:
    """100_000 → "100k", 1_000_000 → "1m", 10_000_000 → "10m"."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if events >= unit and events % unit == 0:
            return f"{events // unit}{suffix}"
    return str(events)


def bench_ask(
    sizes: Sequence[int], repeats: int, progress: Progress, pg_url: str | None = None
) -> dict[str, dict[str, Any]]:
    """`ask` against the baseline at each size, by store then size (events as a string)."""
    runs: dict[str, dict[str, Any]] = {}
    for store in STORES if pg_url else STORES[:1]:
        runs[store] = {}
        for size in sizes:
            progress(f"ask on {store}: {size:,} events")
            runs[store][str(size)] = isolated(_ask_part, store, size, repeats, pg_url)
    return runs


def ask_keys(runs: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    """The flat headline keys: p50 and p95 of ask and p95 of the baseline, by store and size."""
    keys: dict[str, float | None] = {}
    for store, by_size in runs.items():
        for size, run in by_size.items():
            label = f"{store}_{size_label(int(size))}"
            keys[f"ask_p50_ms_{label}"] = run["ask_p50_ms"]
            keys[f"ask_p95_ms_{label}"] = run["ask_p95_ms"]
            keys[f"baseline_p95_ms_{label}"] = run["baseline_p95_ms"]
            keys[f"search_p95_ms_{label}"] = run.get("search_p95_ms")
    return keys


def _ask_part(store: str, size: int, repeats: int, pg_url: str | None) -> dict[str, Any]:
    from bot.sim.bench_ask import run_ask_bench

    result = run_ask_bench(
        size,
        repeats=repeats,
        store="postgresql" if store == "postgresql" else "sqlite",
        pg_url=pg_url,
    )
    result["rss_after_mb"] = peak_rss_mb()
    result["pid"] = os.getpid()
    return result

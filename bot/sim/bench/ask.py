"""Bench part (a): `ask` against a raw FTS5 query, each size in its own interpreter."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from bot.sim.bench.plans import Progress
from bot.sim.bench.scratch import isolated, peak_rss_mb


def bench_ask(sizes: Sequence[int], repeats: int, progress: Progress) -> dict[str, Any]:
    """`ask` against raw FTS5 at each size (bot.sim.bench_ask); the largest size is the headline."""
    runs: dict[str, Any] = {}
    for size in sizes:
        progress(f"ask: {size:,} events")
        runs[str(size)] = isolated(_ask_part, size, repeats)
    return runs


def _ask_part(size: int, repeats: int) -> dict[str, Any]:
    from bot.sim.bench_ask import run_ask_bench

    result = run_ask_bench(size, repeats=repeats)
    result["rss_after_mb"] = peak_rss_mb()
    result["pid"] = os.getpid()
    return result

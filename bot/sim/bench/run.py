"""The whole `sitrep bench` run: every part in scratch stores, gathered into one result."""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.sim.bench.ask import ask_keys, bench_ask
from bot.sim.bench.broadcast import bench_broadcast
from bot.sim.bench.compose import bench_compose
from bot.sim.bench.feeds import bench_feeds
from bot.sim.bench.gazetteer import bench_gazetteer
from bot.sim.bench.importing import bench_import
from bot.sim.bench.plans import BenchPlan, Progress
from bot.sim.bench.scratch import ScratchStores, machine_info
from bot.sim.bench.startup import bench_startup


def run_bench(
    plan: BenchPlan,
    *,
    measured_at: datetime,
    progress: Progress = lambda _: None,
    workdir: Path | None = None,
    pg_url: str | None = None,
) -> dict[str, Any]:
    """Run every part in scratch stores (a temporary directory) and return the numbers.

    With `pg_url` (a PostgreSQL server) parts also measure PostgreSQL, each in a scratch
    database created and dropped on that server (`stores.pg_url`, `stores.pg_database`).
    """
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-", dir=workdir) as tmp:
        stores = ScratchStores(Path(tmp), pg_url=pg_url)
        t0 = time.perf_counter()
        gazetteer = bench_gazetteer(progress)
        ask = bench_ask(plan.ask_sizes, plan.ask_repeats, progress, stores.pg_url)
        compose = bench_compose(plan, stores, progress)
        broadcast = bench_broadcast(plan, stores, progress)
        imported = bench_import(plan, stores, progress)
        runs = 1 if plan.name.startswith("tiny") else 3
        startup = bench_startup(imported["store_url"], imported["rows"], progress, runs=runs)
        feeds = bench_feeds(plan, stores, progress)
        total_s = time.perf_counter() - t0
    parts = [*(run for by_size in ask.values() for run in by_size.values())]
    # feeds report their own memory (feeds_rss_*): its extraction sample loads the language model
    parts += [compose, *broadcast.values(), imported]
    largest = ask["sqlite"][str(max(plan.ask_sizes))]
    by_cap = {int(k): v for k, v in broadcast.items()}
    return {
        "plan": asdict(plan),
        "measured_at": measured_at.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "events": max(plan.ask_sizes),
        "subscribers": plan.subscribers,
        "ask_p50_ms": largest.get("ask_p50_ms"),  # SQLite at the largest size
        "ask_p95_ms": largest.get("ask_p95_ms"),
        **ask_keys(ask),  # ask_p50_ms_<store>_<size>, ask_p95_ms_…, baseline_p95_ms_…
        "compose_s": compose["compose_s"],
        "weekly_chart_s": compose.get("weekly_chart_s"),
        "weekly_map_s": compose.get("weekly_map_s"),
        "broadcast_ratio_30": by_cap.get(30, {}).get("ratio"),
        "broadcast_ratio_1000": by_cap.get(1000, {}).get("ratio"),
        "import_rows_per_s": imported["import_rows_per_s"],
        "import_rows_per_s_sqlite": imported["import_rows_per_s_sqlite"],
        "import_rows_per_s_postgresql": imported.get("import_rows_per_s_postgresql"),
        "cli_ask_s": startup["cli_ask_s"],
        "first_reply_s": startup["first_reply_s"],
        "idle_rss_mb": startup["idle_rss_mb"],
        **{k: v for k, v in feeds.items() if k.startswith("feeds_")},
        "peak_rss_mb": max(part["rss_after_mb"] for part in parts),
        "gazetteer_load_s": gazetteer["gazetteer_load_s"],
        "gazetteer_rss_mb": gazetteer["gazetteer_rss_mb"],
        "total_s": round(total_s, 1),
        "gazetteer": gazetteer,
        "ask": ask,
        "compose": compose,
        "broadcast": broadcast,
        "import": imported,
        "startup": startup,
        "feeds": feeds,
    }

"""What `sitrep bench` runs: plan sizes, goals, and the fixed moments and names of its data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

KABUL = ZoneInfo("Asia/Kabul")
DUE = datetime(2021, 8, 20, 7, 0, tzinfo=KABUL)  # every bench subscriber's next edition
TODAY = DUE.date()
LATENCY = 0.1  # simulated Bot API round trip (seconds)
CHUNK = 5_000
ACLED_TYPES: tuple[tuple[str, str], ...] = (
    ("Battles", "Armed clash"),
    ("Battles", "Non-state actor overtakes territory"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Violent demonstration"),
    ("Strategic developments", "Headquarters or base established"),
)

SEVERITIES = ("routine", "routine", "routine", "notable", "notable", "flash")

GOALS: dict[str, tuple[str, float, str]] = {
    # key: (comparison, bound, label)
    "compose_s_100k": ("<=", 10.0, "100k editions enqueued ≤ 10 s"),
    "broadcast_ratio_30": (">=", 0.97, "broadcast ≥ 0.97 of a 30 msg/s cap"),
    "broadcast_ratio_1000": (">=", 0.97, "broadcast ≥ 0.97 of a 1,000 msg/s cap"),
    "import_rows_per_s_sqlite": (">=", 40_000.0, "ACLED import into SQLite ≥ 40k rows/s"),
    "import_rows_per_s_postgresql": (">=", 50_000.0, "ACLED import into PostgreSQL ≥ 50k rows/s"),
    "peak_rss_mb": ("<=", 200.0, "peak memory ≤ 200 MB (1M events, 100k subscribers)"),
    "gazetteer_load_s": ("<=", 0.3, "world gazetteer ready in ≤ 0.3 s"),
    "gazetteer_rss_mb": ("<=", 80.0, "world gazetteer ≤ 80 MB resident"),
}


# ask, on each store and size (bot.sim.bench.report.ask_goal_checks): p95 bound by size label,
# p95 as a fraction of the plain baseline's, p50 bound at 1M events.
ASK_P95_MS = {"100k": 25.0, "1m": 25.0, "10m": 50.0}
ASK_VS_BASELINE_P95 = 0.5
ASK_P50_MS_1M = 5.0


@dataclass(frozen=True)
class BenchPlan:
    """Sizes of one bench run."""

    name: str
    ask_sizes: tuple[int, ...]
    ask_repeats: int
    subscribers: int
    filter_sets: int
    edition_events: int
    broadcasts: tuple[tuple[int, int], ...]  # (cap msg/s, messages)
    import_rows: int


PLANS: dict[str, BenchPlan] = {
    "full": BenchPlan("full", (100_000, 1_000_000), 5, 100_000, 50, 30_000,
                      ((30, 300), (1000, 5000)), 100_000),
    "quick": BenchPlan("quick", (100_000,), 3, 10_000, 50, 10_000,
                       ((30, 150), (1000, 2000)), 20_000),
    "tiny": BenchPlan("tiny", (1_000,), 1, 200, 10, 500, ((30, 15), (1000, 100)), 300),
}  # fmt: skip

LARGE_SIZE = 10_000_000  # events `sitrep bench --large` adds to the run's ask sizes


def with_large(plan: BenchPlan) -> BenchPlan:
    """The plan with the 10M-event ask size added (`sitrep bench --large`)."""
    if LARGE_SIZE in plan.ask_sizes:
        return plan
    return replace(plan, name=f"{plan.name}+large", ask_sizes=(*plan.ask_sizes, LARGE_SIZE))


Progress = Callable[[str], None]

"""`sitrep bench`: how Sitrep performs at size, on synthetic data in scratch stores of its own.

Measured (each part in its own temporary SQLite file; the configured database is never used):

* ask: p50/p95 of a question mix against a raw FTS5 query (``bot.sim.bench_ask``) at each size;
* compose: seconds for one ``BriefingService.tick`` to enqueue editions for N subscribers spread
  over a number of distinct filter sets (one edition rendered per audience);
* broadcast: messages/s through the real Sender and TelegramTransport into the in-process Bot API
  with a 100 ms round trip and a global cap, as a ratio of the cap;
* import: ACLED CSV rows/s through ``bulk.import_file``;
* memory: each part's peak resident set (``ru_maxrss``); the headline is the largest.

Each part runs in a fresh interpreter, so no part pays for the heap an earlier one left (a
collector walking the 1M-event part's leftovers slowed the broadcast measured after it), and
each peak is that part's own.
"""

from bot.sim.bench.broadcast import broadcast_concurrency
from bot.sim.bench.compose import filter_sets
from bot.sim.bench.importing import write_acled_csv
from bot.sim.bench.plans import GOALS, PLANS, BenchPlan
from bot.sim.bench.report import format_report, goal_checks
from bot.sim.bench.run import run_bench
from bot.sim.bench.scratch import machine_info, peak_rss_mb

__all__ = [
    "GOALS",
    "PLANS",
    "BenchPlan",
    "broadcast_concurrency",
    "filter_sets",
    "format_report",
    "goal_checks",
    "machine_info",
    "peak_rss_mb",
    "run_bench",
    "write_acled_csv",
]

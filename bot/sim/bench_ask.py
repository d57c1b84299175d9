"""Benchmark of question answering: `python -m bot.sim.bench_ask [--events N] [--pg URL]`.

Fills N synthetic events into a scratch store (`bot.sim.bench.events`: a SQLite file, or with
`--pg` a PostgreSQL database created and dropped on that server), then times, over a mix of
question kinds, `ask` (understanding + retrieval + loading + rendering through AnswerService)
next to an independent baseline (`bot.sim.bench.baseline`: the plain full-text query with the
same place, time and word filters, ordered by rank, LIMIT 6) issued straight through the driver.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.filters import EventFilter
from bot.domain.questions.understand import Query
from bot.sim.bench.baseline import pg_baseline, sqlite_baseline
from bot.sim.bench.events import fill_pg, fill_sqlite, stored_pg_events, stored_sqlite_events
from bot.sim.bench.vocabulary import QUESTIONS
from bot.store.atlas import world_gazetteer

log = logging.getLogger(__name__)

KABUL = ZoneInfo("Asia/Kabul")
NOW = datetime(2021, 8, 20, 9, 0, tzinfo=KABUL)
Store = Literal["sqlite", "postgresql"]
PAGE_PLUS_ONE = 7  # an answer's page of six and one more (is there a next page?)


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


async def _prepare(url: str) -> None:
    from bot.bootstrap import open_services
    from bot.store.migrate import upgrade

    await upgrade(url)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    async with open_services(settings):
        pass


def _sqlite_baseline_times(path: Path, filters: list[EventFilter], repeats: int) -> list[float]:
    """The plain statements through sqlite3."""
    con = sqlite3.connect(path)
    try:
        statements = [sqlite_baseline(flt) for flt in filters]
        for sql, params in statements:  # warm-up
            con.execute(sql, params).fetchall()
        times: list[float] = []
        for _ in range(repeats):
            for sql, params in statements:
                t0 = time.perf_counter()
                con.execute(sql, params).fetchall()
                times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        con.close()


async def _pg_baseline_times(dsn: str, filters: list[EventFilter], repeats: int) -> list[float]:
    """The plain statements through asyncpg."""
    import asyncpg

    con = await asyncpg.connect(dsn)
    try:
        statements = [pg_baseline(flt) for flt in filters]
        for sql, params in statements:  # warm-up
            await con.fetch(sql, *params)
        times: list[float] = []
        for _ in range(repeats):
            for sql, params in statements:
                t0 = time.perf_counter()
                await con.fetch(sql, *params)
                times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        await con.close()


async def _ask_times(
    url: str, questions: Sequence[str], repeats: int, render: bool
) -> tuple[list[float], list[EventFilter], dict[str, float], list[float]]:
    from bot.bootstrap import open_services
    from bot.domain.questions.answers import filter_for
    from bot.render.environment import Renderer, create_environment

    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    renderer = Renderer(create_environment())
    times: list[float] = []
    per_question: dict[str, list[float]] = {q: [] for q in questions}
    filters: list[EventFilter] = []
    first: list[float] = []
    async with open_services(settings, FixedClock(NOW)) as domain:
        service = domain.answers
        for q in questions:  # warm-up (and the filters the baseline runs): each question's first
            t0 = time.perf_counter()
            query: Query = service.understand(q, NOW)
            filters.append(filter_for(query))
            await service.answer(query)
            first.append((time.perf_counter() - t0) * 1000)
        for _ in range(repeats):
            for q in questions:
                t0 = time.perf_counter()
                answer = await service.answer(service.understand(q, NOW))
                if render:
                    renderer.render("answer.html", a=answer)
                ms = (time.perf_counter() - t0) * 1000
                times.append(ms)
                per_question[q].append(ms)
        search = await _search_times(domain.sessions, filters, repeats)
    slowest = {q: round(max(v), 2) for q, v in per_question.items()}
    slowest["(first asks, p95)"] = round(_pct(first, 0.95), 2)
    return times, filters, slowest, search


async def _search_times(sessions: Any, filters: list[EventFilter], repeats: int) -> list[float]:
    """Retrieval alone: each question's first page searched through the store's read path."""
    from bot.store.event_reader import EventReader

    reader = EventReader(sessions)
    times: list[float] = []
    for round_ in range(repeats + 1):  # the first round warms the planner's counts
        for flt in filters:
            t0 = time.perf_counter()
            async with reader.reads() as reads:
                await reads.search(flt, limit=PAGE_PLUS_ONE)
            if round_:
                times.append((time.perf_counter() - t0) * 1000)
    return times


def _summary(
    store: Store, events: int, questions: int, repeats: int, fill_s: float,
    ask: list[float], base: list[float], slowest: dict[str, float], search: list[float],
) -> dict[str, Any]:  # fmt: skip
    ask_p95, base_p95 = _pct(ask, 0.95), _pct(base, 0.95)
    return {
        "store": store,
        "events": events,
        "questions": questions,
        "repeats": repeats,
        "fill_seconds": round(fill_s, 1),
        "ask_p50_ms": round(statistics.median(ask), 3),
        "ask_p95_ms": round(ask_p95, 3),
        "baseline_p50_ms": round(statistics.median(base), 3),
        "baseline_p95_ms": round(base_p95, 3),
        "ask_vs_baseline_p95_ratio": round(ask_p95 / base_p95, 3) if base_p95 else None,
        # Retrieval alone (the search statements of a first page), without understanding,
        # loading, counting or rendering.
        "search_p50_ms": round(statistics.median(search), 3),
        "search_p95_ms": round(_pct(search, 0.95), 3),
        "slowest_ask_ms": slowest,
    }


def _run_sqlite(
    events: int, repeats: int, path: Path | None, render: bool, questions: Sequence[str],
    seed: int,
) -> dict[str, Any]:  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        db = path or Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{db}"
        t0 = time.perf_counter()
        asyncio.run(_prepare(url))
        missing = events - stored_sqlite_events(db)  # a kept file (path=) is filled only once
        if missing > 0:
            fill_sqlite(db, missing, world_gazetteer(), seed)
        fill_s = time.perf_counter() - t0
        ask, filters, slowest, search = asyncio.run(_ask_times(url, questions, repeats, render))
        base = _sqlite_baseline_times(db, filters, repeats)
    return _summary("sqlite", events, len(questions), repeats, fill_s, ask, base, slowest, search)


async def _run_pg(
    events: int, repeats: int, pg_url: str, render: bool, questions: Sequence[str], seed: int,
    keep: bool,
) -> dict[str, Any]:  # fmt: skip
    from sqlalchemy.engine import make_url

    from bot.sim.bench.scratch import asyncpg_url, scratch_pg_database

    async def measure(url: str) -> dict[str, Any]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        t0 = time.perf_counter()
        await _prepare(url)
        missing = events - await stored_pg_events(dsn)
        if missing > 0:
            await fill_pg(dsn, missing, world_gazetteer(), seed)
        fill_s = time.perf_counter() - t0
        ask, filters, slowest, search = await _ask_times(url, questions, repeats, render)
        base = await _pg_baseline_times(dsn, filters, repeats)
        return _summary(
            "postgresql", events, len(questions), repeats, fill_s, ask, base, slowest, search
        )

    if keep:  # --keep: the URL names a database of its own, filled once and kept
        return await measure(asyncpg_url(pg_url))
    async with scratch_pg_database(pg_url, f"ask_{events}") as url:
        return await measure(url)


def run_ask_bench(
    events: int = 100_000,
    *,
    repeats: int = 5,
    path: Path | None = None,
    render: bool = True,
    questions: Sequence[str] = QUESTIONS,
    seed: int = 7,
    store: Store = "sqlite",
    pg_url: str | None = None,
    keep: bool = False,
) -> dict[str, Any]:
    """Fill a scratch store and time `ask` against the plain baseline; return the numbers.

    PostgreSQL (`store="postgresql"`) needs `pg_url`, a server where a scratch database is
    created and dropped (with `keep`, the URL's own database is filled once and kept).
    """
    if store == "sqlite":
        return _run_sqlite(events, repeats, path, render, questions, seed)
    if pg_url is None:
        raise ValueError("PostgreSQL needs a server URL")
    return asyncio.run(_run_pg(events, repeats, pg_url, render, questions, seed, keep))


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.sim.bench_ask", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="synthetic events to store")
    parser.add_argument("--repeats", type=int, default=5, help="rounds over the question mix")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    parser.add_argument("--no-render", action="store_true", help="leave out template rendering")
    parser.add_argument("--pg", default=None, help="measure PostgreSQL on this server instead")
    parser.add_argument("--keep", type=Path, default=None, help="SQLite: keep the filled file here")
    parser.add_argument(
        "--keep-pg", action="store_true", help="PostgreSQL: fill the --pg database itself, keep it"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = run_ask_bench(
        args.events,
        repeats=args.repeats,
        render=not args.no_render,
        path=args.keep,
        store="postgresql" if args.pg else "sqlite",
        pg_url=args.pg,
        keep=args.keep_pg,
    )
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["QUESTIONS", "main", "run_ask_bench"]

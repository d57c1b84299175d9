"""Benchmark of question answering: `python -m bot.sim.bench_ask [--events N] [--json FILE]`.

Fills N synthetic events into a scratch SQLite file (raw executemany into the migrated schema;
the FTS triggers keep the index), then times, over a mix of question kinds, `ask` (understanding
+ retrieval + loading + rendering through AnswerService) next to the raw SQL query with the same
place, time and word filters issued directly through sqlite3.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.filters import EventFilter
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind
from bot.domain.questions.understand import Query
from bot.sim.bench.vocabulary import BENCH_COUNTRIES, QUESTIONS, SUMMARY_ACTORS
from bot.store.atlas import world_gazetteer
from bot.store.search_plan import sqlite_stats_queries
from bot.store.search_sqlite import raw_sqlite_query

log = logging.getLogger(__name__)

KABUL = ZoneInfo("Asia/Kabul")
NOW = datetime(2021, 8, 20, 9, 0, tzinfo=KABUL)
FIRST_DAY = date(2018, 1, 1)
LAST_DAY = date(2021, 8, 20)
BATCH = 20_000


_VERBS = (
    "seized",
    "captured",
    "took control of",
    "overran",
    "attacked",
    "clashed near",
    "retreated from",
    "fled",
    "shelled",
    "closed",
    "reopened",
    "protested at",
    "surrendered",
    "withdrew from",
    "ambushed a convoy near",
    "reported an explosion at",
    "set fire to",
)
_OBJECTS = (
    "the district centre",
    "a checkpoint",
    "the border crossing",
    "the police headquarters",
    "a military base",
    "the highway",
    "the market",
    "the consulate",
    "an outpost",
    "the airport road",
    "a fuel depot",
    "the customs office",
)
_TYPES = ("Battles", "Explosions/Remote violence", "Strategic developments", "Protests", "Riots")
_SEVERITIES = ("routine",) * 6 + ("notable",) * 3 + ("flash",)
_FILLER = tuple(
    f"{a}{b}{c}"
    for a in ("ka", "lo", "mi", "ra", "zu", "ne", "ti", "so")
    for b in ("ba", "do", "fi", "ge", "hu", "ja")
    for c in ("n", "r", "l", "sh", "m")
)


def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def _place_weights(gazetteer: Gazetteer) -> tuple[list[str], list[float], dict[str, str]]:
    """Places of the bench's crises weighted so cities and crossings get many events."""
    keys: list[str] = []
    weights: list[float] = []
    names: dict[str, str] = {}
    kinds = (PlaceKind.PROVINCE, PlaceKind.CROSSING, PlaceKind.TOWN, PlaceKind.DISTRICT)
    for place in (
        p for c in BENCH_COUNTRIES for k in kinds for p in gazetteer.places_of_kind(k, c)
    ):
        weight = {
            PlaceKind.PROVINCE: 4.0,
            PlaceKind.CROSSING: 6.0,
            PlaceKind.TOWN: 2.0 + (place.population or 0) / 50_000,
            PlaceKind.DISTRICT: 1.0,
        }.get(place.kind, 0.5)
        keys.append(place.key)
        weights.append(weight)
        names[place.key] = place.name
    return keys, weights, names


def fill(path: Path, events: int, gazetteer: Gazetteer, seed: int = 7) -> None:
    """Insert `events` synthetic events (and one source each) into a migrated SQLite file."""
    rng = random.Random(seed)
    keys, weights, names = _place_weights(gazetteer)
    span = (LAST_DAY - FIRST_DAY).days
    stamp = "2021-08-19 00:00:00.000000"
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        start_id = int(con.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])
        done = 0
        while done < events:
            n = min(BATCH, events - done)
            rows = []
            sources = []
            picked = rng.choices(keys, weights, k=n)
            for i in range(n):
                event_id = start_id + done + i + 1
                key = picked[i]
                actor = rng.choice(SUMMARY_ACTORS)
                summary = (
                    f"{actor} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} in {names[key]} "
                    + " ".join(rng.choices(_FILLER, k=rng.randint(3, 12)))
                )
                first = FIRST_DAY + timedelta(days=rng.randrange(span))
                r = rng.random()
                status = "published" if r < 0.95 else ("draft" if r < 0.98 else "retracted")
                rows.append(
                    (
                        event_id,
                        summary,
                        first.isoformat(),
                        first.isoformat(),
                        "day",
                        key,
                        names[key],
                        "exact",
                        actor,
                        rng.choice(_TYPES),
                        "",
                        rng.choice(_SEVERITIES),
                        "reported",
                        "",
                        status,
                        "import",
                        status != "draft",
                        stamp,
                        stamp,
                        stamp,
                    )
                )
                sources.append((event_id, rng.choice(("ACLED", "AP", "Reuters")), "", ""))
            con.executemany(
                "INSERT INTO events (id, summary, date_start, date_last, date_precision, place_key,"
                " place_text, location_precision, actors_text, event_type, sub_event_type,"
                " severity, claim_status, claim_note, status, origin, reviewed, reported_at,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            con.executemany(
                "INSERT INTO sources (event_id, outlet, url, title) VALUES (?,?,?,?)", sources
            )
            con.commit()
            done += n
        con.execute("ANALYZE")
        con.commit()
    finally:
        con.close()


def stored_events(path: Path) -> int:
    """How many events a bench file already holds (0 for a new file)."""
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        con.close()


async def _prepare(url: str) -> None:
    from bot.bootstrap import open_services
    from bot.store.migrate import upgrade

    await upgrade(url)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    async with open_services(settings):
        pass


def _raw_times(path: Path, filters: list[EventFilter], repeats: int) -> list[float]:
    """The chosen statement alone through sqlite3 (its planning counts run before the clock)."""
    con = sqlite3.connect(path)
    try:
        statements = []
        for flt in filters:
            stats = {
                name: int(con.execute(sql, params).fetchone()[0])
                for name, (sql, params) in sqlite_stats_queries(flt).items()
            }
            statements.append(raw_sqlite_query(flt, stats, limit=6))
        times: list[float] = []
        for _ in range(repeats):
            for sql, params in statements:
                t0 = time.perf_counter()
                con.execute(sql, params).fetchall()
                times.append((time.perf_counter() - t0) * 1000)
        return times
    finally:
        con.close()


async def _ask_times(
    url: str, questions: Sequence[str], repeats: int, render: bool
) -> tuple[list[float], list[EventFilter], dict[str, float]]:
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
        for q in questions:  # warm-up (and the filters the raw side runs): each question's first
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
    slowest = {q: round(max(v), 2) for q, v in per_question.items()}
    slowest["(first asks, p95)"] = round(_pct(first, 0.95), 2)
    return times, filters, slowest


def run_ask_bench(
    events: int = 100_000,
    *,
    repeats: int = 5,
    path: Path | None = None,
    render: bool = True,
    questions: Sequence[str] = QUESTIONS,
    seed: int = 7,
) -> dict[str, Any]:
    """Fill a scratch database and time `ask` against the raw query; return the numbers."""
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        db = path or Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{db}"
        t0 = time.perf_counter()
        asyncio.run(_prepare(url))
        missing = events - stored_events(db)  # a kept file (path=) is filled only once
        if missing > 0:
            fill(db, missing, world_gazetteer(), seed)
        fill_s = time.perf_counter() - t0
        ask, filters, slowest = asyncio.run(_ask_times(url, questions, repeats, render))
        raw = _raw_times(db, filters, repeats)
    ask_p95, fts_p95 = _pct(ask, 0.95), _pct(raw, 0.95)
    return {
        "events": events,
        "questions": len(questions),
        "repeats": repeats,
        "fill_seconds": round(fill_s, 1),
        "ask_p50_ms": round(statistics.median(ask), 3),
        "ask_p95_ms": round(ask_p95, 3),
        "fts_p50_ms": round(statistics.median(raw), 3),
        "fts_p95_ms": round(fts_p95, 3),
        "ask_vs_fts_p95_ratio": round(ask_p95 / fts_p95, 2) if fts_p95 else None,
        "slowest_ask_ms": slowest,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.sim.bench_ask", description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="synthetic events to store")
    parser.add_argument("--repeats", type=int, default=5, help="rounds over the question mix")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    parser.add_argument("--no-render", action="store_true", help="leave out template rendering")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = run_ask_bench(args.events, repeats=args.repeats, render=not args.no_render)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["QUESTIONS", "fill", "main", "run_ask_bench"]

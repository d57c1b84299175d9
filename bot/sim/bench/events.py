"""The ask bench's synthetic events, and how they are put in a scratch store of either kind.

One seeded generator gives the same events to SQLite (executemany into the migrated schema; the
FTS5 triggers index them) and to PostgreSQL (asyncpg COPY; the trigger of migration 0010 sets
each vector). On PostgreSQL the secondary indexes are dropped during a large load and built
again after it, as a bulk loader would; the database is then vacuumed and analysed.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind
from bot.sim.bench.vocabulary import BENCH_COUNTRIES, SUMMARY_ACTORS

FIRST_DAY = date(2018, 1, 1)
LAST_DAY = date(2021, 8, 20)
BATCH = 20_000
STAMP = datetime(2021, 8, 19, tzinfo=UTC)

COLUMNS = (
    "id, summary, date_start, date_last, date_precision, place_key, place_text,"
    " location_precision, actors_text, event_type, sub_event_type, severity, claim_status,"
    " claim_note, status, origin, reviewed, reported_at, created_at, updated_at"
)
_VERBS = (
    "seized", "captured", "took control of", "overran", "attacked", "clashed near",
    "retreated from", "fled", "shelled", "closed", "reopened", "protested at", "surrendered",
    "withdrew from", "ambushed a convoy near", "reported an explosion at", "set fire to",
)  # fmt: skip
_OBJECTS = (
    "the district centre", "a checkpoint", "the border crossing", "the police headquarters",
    "a military base", "the highway", "the market", "the consulate", "an outpost",
    "the airport road", "a fuel depot", "the customs office",
)  # fmt: skip
_TYPES = ("Battles", "Explosions/Remote violence", "Strategic developments", "Protests", "Riots")
_SEVERITIES = ("routine",) * 6 + ("notable",) * 3 + ("flash",)
_FILLER = tuple(
    f"{a}{b}{c}"
    for a in ("ka", "lo", "mi", "ra", "zu", "ne", "ti", "so")
    for b in ("ba", "do", "fi", "ge", "hu", "ja")
    for c in ("n", "r", "l", "sh", "m")
)


def place_weights(gazetteer: Gazetteer) -> tuple[list[str], list[float], dict[str, str]]:
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


def event_batches(
    events: int, gazetteer: Gazetteer, *, start_id: int = 0, seed: int = 7
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Batches of (event rows in COLUMNS order, source rows): dates as `date`, stamps aware."""
    rng = random.Random(seed)
    keys, weights, names = place_weights(gazetteer)
    span = (LAST_DAY - FIRST_DAY).days
    done = 0
    while done < events:
        n = min(BATCH, events - done)
        rows: list[tuple[Any, ...]] = []
        sources: list[tuple[Any, ...]] = []
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
                (event_id, summary, first, first, "day", key, names[key], "exact", actor,
                 rng.choice(_TYPES), "", rng.choice(_SEVERITIES), "reported", "", status,
                 "import", status != "draft", STAMP, STAMP, STAMP)
            )  # fmt: skip
            sources.append((event_id, rng.choice(("ACLED", "AP", "Reuters")), "", ""))
        yield rows, sources
        done += n


def fill_sqlite(path: Path, events: int, gazetteer: Gazetteer, seed: int = 7) -> None:
    """Insert `events` synthetic events (and one source each) into a migrated SQLite file."""
    con = sqlite3.connect(path)
    stamp = STAMP.strftime("%Y-%m-%d %H:%M:%S.%f")
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        start_id = int(con.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])
        marks = ",".join("?" * len(COLUMNS.split(",")))
        for rows, sources in event_batches(events, gazetteer, start_id=start_id, seed=seed):
            con.executemany(
                f"INSERT INTO events ({COLUMNS}) VALUES ({marks})",
                [(*r[:2], r[2].isoformat(), r[3].isoformat(), *r[4:17], stamp, stamp, stamp)
                 for r in rows],
            )  # fmt: skip
            con.executemany(
                "INSERT INTO sources (event_id, outlet, url, title) VALUES (?,?,?,?)", sources
            )
            con.commit()
        con.execute("ANALYZE")
        con.commit()
    finally:
        con.close()


def stored_sqlite_events(path: Path) -> int:
    """How many events a bench file already holds (0 for a new file)."""
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        con.close()


_SECONDARY = (
    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('events', 'sources')"
    " AND indexname NOT IN (SELECT conname FROM pg_constraint)"
)


async def fill_pg(dsn: str, events: int, gazetteer: Gazetteer, seed: int = 7) -> None:
    """COPY `events` synthetic events (and one source each) into a migrated PostgreSQL database."""
    import asyncpg

    con = await asyncpg.connect(dsn)
    try:
        indexes = await con.fetch(_SECONDARY)
        for row in indexes:
            await con.execute(f'DROP INDEX "{row["indexname"]}"')
        start_id = int(await con.fetchval("SELECT coalesce(max(id), 0) FROM events"))
        names = [c.strip() for c in COLUMNS.split(",")]
        for rows, sources in event_batches(events, gazetteer, start_id=start_id, seed=seed):
            async with con.transaction():
                await con.copy_records_to_table("events", records=rows, columns=names)
                await con.copy_records_to_table(
                    "sources", records=sources, columns=["event_id", "outlet", "url", "title"]
                )
        await con.execute(
            "SELECT setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))"
        )
        await con.execute("SET maintenance_work_mem = '256MB'")
        for row in indexes:
            await con.execute(row["indexdef"])
        await con.execute("VACUUM ANALYZE events")
        await con.execute("VACUUM ANALYZE sources")
    finally:
        await con.close()


async def stored_pg_events(dsn: str) -> int:
    """How many events a bench database holds."""
    import asyncpg

    con = await asyncpg.connect(dsn)
    try:
        return int(await con.fetchval("SELECT count(*) FROM events"))
    finally:
        await con.close()

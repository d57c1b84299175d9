"""Bench part (d): ACLED CSV import rows/s, and the synthetic ACLED export it imports."""

from __future__ import annotations

import asyncio
import csv
import gc
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.domain.clock import FixedClock
from bot.sim.bench.plans import (
    ACLED_TYPES,
    DUE,
    TODAY,
    BenchPlan,
    Progress,
)
from bot.sim.bench.scratch import ScratchStores, bench_settings, isolated, peak_rss_mb
from bot.sim.bench.vocabulary import ACTORS, BENCH_COUNTRIES, OUTLETS

ACLED_HEADER = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip


def write_acled_csv(path: Path, rows: int, gazetteer: Any, seed: int = 9) -> None:
    """A synthetic ACLED export over several crises: known towns, plus villages it lacks."""
    from bot.domain.places.model import PlaceKind

    rng = random.Random(seed)
    towns = [
        p
        for c in BENCH_COUNTRIES
        for p in gazetteer.places_of_kind(PlaceKind.TOWN, c)
        if p.lat is not None
    ]
    villages = random.Random(seed + 1).sample(towns, 40)
    countries = {
        c: (gazetteer.country(c).name if gazetteer.country(c) else c) for c in BENCH_COUNTRIES
    }
    first = date(2017, 1, 1)
    span = (date(2021, 8, 15) - first).days
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(ACLED_HEADER)
        for i in range(rows):
            town = rng.choice(towns)
            chain = {a.kind: a.name for a in gazetteer.ancestors(town.key)}
            admin1 = chain.get(PlaceKind.PROVINCE, "")
            admin2 = chain.get(PlaceKind.DISTRICT, "")
            location, lat, lon = town.name, town.lat, town.lon
            if rng.random() < 0.05:  # one of a few villages the gazetteer lacks (new places)
                v = rng.randrange(len(villages))
                town, location = (
                    villages[v],
                    f"{('New', 'Old', 'Upper', 'Lower')[v % 4]} Village {v}",
                )
                chain = {a.kind: a.name for a in gazetteer.ancestors(town.key)}
                admin1 = chain.get(PlaceKind.PROVINCE, "")
                admin2 = chain.get(PlaceKind.DISTRICT, "")
                lat, lon = (town.lat or 0) + 0.02, (town.lon or 0) + 0.03
            day = first + timedelta(days=rng.randrange(span))
            event_type, sub_type = rng.choice(ACLED_TYPES)
            actor1, actor2 = rng.sample(ACTORS, 2)
            notes = (
                f"On {day.day} {day:%B %Y}, {actor1} and {actor2} were involved in "
                f"{sub_type.lower()} in {location} ({admin2 or admin1}). "
                f"Synthetic note {i} for the import benchmark."
            )
            out.writerow(
                [
                    f"AFGB{i:07d}", day.isoformat(), day.year, 1, "Political violence", event_type,
                    sub_type, actor1, "", 2, actor2, "", 1, 12, "", 4, "Caspian",
                    countries.get(town.country, town.country),
                    admin1, admin2, "", location, f"{lat:.4f}", f"{lon:.4f}", 1,
                    rng.choice(OUTLETS), "National", notes, rng.choice((0, 0, 0, 1, 2, 5)), "",
                    1_600_000_000 + i,
                ]
            )  # fmt: skip


async def _import(url: str, path: Path) -> dict[str, Any]:
    from bot.bootstrap import open_services
    from bot.domain.bulk.importer import import_file
    from bot.domain.bulk.reading import Format

    async with open_services(bench_settings(url), FixedClock(DUE)) as domain:
        t0 = time.perf_counter()
        gc.collect()  # as `sitrep import` does before importing (counted here)
        gc.freeze()
        report = await import_file(domain, path, fmt=Format.ACLED, today=TODAY)
        seconds = time.perf_counter() - t0
    return {
        "rows": report.imported + len(report.bad_rows),
        "created": report.created,
        "bad_rows": len(report.bad_rows),
        "places_added": report.places_added,
        "import_s": round(seconds, 2),
        "import_rows_per_s": round(report.imported / seconds) if seconds else None,
    }


def bench_import(plan: BenchPlan, stores: ScratchStores, progress: Progress) -> dict[str, Any]:
    """ACLED import rows/s into an empty store: SQLite, and PostgreSQL when the run has a
    server (`stores.pg_url`). The SQLite store is kept for the parts after (`store_url`)."""
    from bot.store.atlas import world_gazetteer

    path = stores.directory / "acled.csv"
    write_acled_csv(path, plan.import_rows, world_gazetteer())
    progress(f"import: {plan.import_rows:,} ACLED rows (SQLite)")
    result = isolated(_import_part, stores, path)
    result["import_rows_per_s_sqlite"] = result["import_rows_per_s"]
    if stores.pg_url is not None:
        progress(f"import: {plan.import_rows:,} ACLED rows (PostgreSQL)")
        pg = isolated(_import_pg_part, stores, path)
        result["postgresql"] = pg
        result["import_rows_per_s_postgresql"] = pg["import_rows_per_s"]
    return result


def _import_part(stores: ScratchStores, path: Path) -> dict[str, Any]:
    url = stores.fresh("import")
    result = asyncio.run(_import(url, path))
    result["rss_after_mb"] = peak_rss_mb()
    result["pid"] = os.getpid()
    result["store_url"] = url
    return result


def _import_pg_part(stores: ScratchStores, path: Path) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        from bot.bootstrap import open_services
        from bot.store.migrate import upgrade

        async with stores.pg_database("import") as url:
            await upgrade(url)  # migrated and the gazetteer synced, as the SQLite template is
            async with open_services(bench_settings(url), FixedClock(DUE)):
                pass
            return await _import(url, path)

    result = asyncio.run(go())
    result["rss_after_mb"] = peak_rss_mb()
    result["pid"] = os.getpid()
    return result

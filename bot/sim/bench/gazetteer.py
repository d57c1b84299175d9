"""Bench part: the world gazetteer ready at start (seconds) and what it holds resident (MB).

Run in a fresh interpreter: the load is timed from nothing (the atlas unpacked already, as on
every start after the first), and the memory is the resident-set growth from loading it and
answering a round of typical lookups in several scripts, typo tolerance included.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bot.sim.bench.plans import Progress
from bot.sim.bench.scratch import isolated

LOOKUPS = (
    "Herat", "El Fasher", "الفاشر", "Kharkiv", "Харків", "Gaza", "Goma", "Sittwe", "Khartoum",
    "Islam Qala crossing", "North Darfur state", "Kharkov", "Mashhad", "Port-au-Prince",
)  # fmt: skip
TEXT = (
    "Fighting spread from El Fasher in North Darfur to Nyala, while shelling hit Kharkiv and "
    "the Islam Qala crossing in Herat province closed. Residents of Goma fled towards Sake."
)


def bench_gazetteer(progress: Progress) -> dict[str, Any]:
    """The gazetteer's start-up time and resident memory, in a fresh interpreter."""
    progress("gazetteer: load and lookups")
    isolated(_unpack)  # the first start unpacks the atlas; measured starts find it unpacked
    return isolated(_gazetteer_part)


def _unpack() -> dict[str, Any]:
    from bot.store.atlas import SqliteAtlas

    return {"places": len(SqliteAtlas.open_default())}


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _gazetteer_part() -> dict[str, Any]:
    import bot.domain.places.gazetteer  # noqa: F401 - the code, not the data, before the clock

    before = _rss_mb()
    t0 = time.perf_counter()
    from bot.store.atlas import world_gazetteer

    gazetteer = world_gazetteer()
    gazetteer.resolve("Herat")
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    found = sum(1 for name in LOOKUPS if gazetteer.resolve(name) is not None)
    mentions = len(gazetteer.find_in_text(TEXT))
    suggested = len(gazetteer.suggest("Kharkif"))
    lookups_s = time.perf_counter() - t1
    return {
        "gazetteer_load_s": round(load_s, 3),
        "gazetteer_rss_mb": round(_rss_mb() - before, 1),
        "gazetteer_places": len(gazetteer),
        "lookups_s": round(lookups_s, 3),
        "resolved": f"{found}/{len(LOOKUPS)}",
        "mentions": mentions,
        "suggested": suggested,
    }

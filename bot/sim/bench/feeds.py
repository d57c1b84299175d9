"""Bench part: feeds. N feeds of M items each on a local server answering after 100 ms are
fetched, parsed and queued (round 1), then polled again when all answer 304 (round 2), with the
resident memory after each round; extraction of the queued items is timed separately
(items per second), since it runs behind the polling and at its own pace.

Every feed is on 127.0.0.1, so the per-host limit of the fetcher (8 in flight) bounds both rounds:
the figure is for the worst case of one host serving them all.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from bot.sim.bench.plans import BenchPlan, Progress
from bot.sim.bench.scratch import ScratchStores, bench_settings, isolated, peak_rss_mb
from bot.sim.bench.vocabulary import BENCH_COUNTRIES, SUMMARY_ACTORS
from bot.sim.feedserver import FeedServer, Route

# feeds, items per feed, items extraction is sampled on; every other plan: the goal's 500 × 50
SIZES = {"tiny": (5, 3, 0)}  # tiny: no extraction (loading the language model is most of it)
GOAL_SIZE = (500, 50, 2000)
LATENCY_S = 0.1
IN_PROCESS_MAX = 20  # feeds up to which the server runs in a thread of the part
EXTRACT_BUDGET_S = 20.0  # extraction is sampled for this long at most
VERBS = ("attacked", "shelled", "seized", "raided", "bombed")


def _feed(rng: random.Random, feed: int, items: int, towns: list[str]) -> bytes:
    day = datetime(2024, 3, 8, tzinfo=UTC)
    out = []
    for n in range(items):
        town, actor, verb = rng.choice(towns), rng.choice(SUMMARY_ACTORS), rng.choice(VERBS)
        when = day - timedelta(hours=n * 3 + feed % 7)
        text = (
            f"{actor} {verb} positions in {town} on {when.day} {when:%B %Y}, killing "
            f"{rng.randint(1, 12)} people, local officials said (feed {feed}, item {n})."
        )
        out.append(
            f"<item><guid isPermaLink='false'>bench-{feed}-{n}</guid>"
            f"<link>https://feeds.example.org/{feed}/{n}</link>"
            f"<title>{escape(f'{actor} {verb} {town}')}</title>"
            f"<description>{escape(text)}</description>"
            f"<pubDate>{when:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {feed}</title><link>https://feeds.example.org/{feed}</link>"
        f"<description>bench</description>{''.join(out)}</channel></rss>"
    ).encode()


def _serve(feeds: int, items: int, towns: list[str], ready: Any, stop: Any) -> None:
    """The feed server, in a process of its own (the web is not in the poller's process)."""
    rng = random.Random(18)
    with FeedServer() as server:
        for f in range(feeds):
            body = _feed(rng, f, items, towns)
            server.add(f"/{f}.xml", Route(body=body, etag=f'"{f}"', delay=LATENCY_S))
        ready.put(server.url(""))
        stop.wait()


def _server(feeds: int, items: int, towns: list[str]) -> tuple[Any, Any, Any]:
    """The server's ready queue, stop event and runner: a process of its own for a real run, a
    thread for a tiny one (a second interpreter would cost more than the part)."""
    if feeds <= IN_PROCESS_MAX:
        ready: Any = queue.Queue()
        stop: Any = threading.Event()
        return ready, stop, threading.Thread(target=_serve, args=(feeds, items, towns, ready, stop))
    spawn = multiprocessing.get_context("spawn")
    ready, stop = spawn.Queue(), spawn.Event()
    return ready, stop, spawn.Process(target=_serve, args=(feeds, items, towns, ready, stop))


def bench_feeds(plan: BenchPlan, stores: ScratchStores, progress: Progress) -> dict[str, Any]:
    """feeds_* numbers, measured in a fresh interpreter."""
    feeds, items, sample = SIZES.get(plan.name, GOAL_SIZE)
    progress(f"feeds: {feeds} feeds × {items} items, {LATENCY_S * 1000:.0f} ms latency")
    return isolated(_feeds_part, stores, feeds, items, sample)


def _feeds_part(stores: ScratchStores, feeds: int, items: int, sample: int) -> dict[str, Any]:
    url = stores.fresh("feeds")
    result = asyncio.run(_run(url, feeds, items, sample))
    result["rss_after_mb"] = peak_rss_mb()
    result["pid"] = os.getpid()
    return result


def _rss_now_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024), 1)
    except (OSError, ValueError):
        return peak_rss_mb()


async def _poll_round(services: Any) -> tuple[float, int, int, int]:
    t0 = time.perf_counter()
    polled = new = failed = 0
    while True:
        reports = await services.sources.poll_due(limit=1000)
        if not reports:
            break
        polled += len(reports)
        new += sum(r.new_items for r in reports)
        failed += sum(not r.ok for r in reports)
    return time.perf_counter() - t0, polled, new, failed


async def _run(url: str, feeds: int, items: int, sample: int) -> dict[str, Any]:
    from bot.bootstrap import open_services
    from bot.domain.clock import FixedClock
    from bot.domain.places.model import PlaceKind
    from bot.domain.sources.commands import new_source

    settings = bench_settings(url).model_copy(update={"sources_allow_private": True})
    clock = FixedClock(datetime(2024, 3, 9, 12, tzinfo=UTC))
    async with open_services(settings, clock) as services:
        towns = [
            p.name
            for c in BENCH_COUNTRIES[:4]
            for p in services.gazetteer.places_of_kind(PlaceKind.TOWN, c)[:50]
        ]
        ready, stop, server = _server(feeds, items, towns)
        server.start()
        try:
            base = ready.get(timeout=300)
            for f in range(feeds):
                await services.sources.add(new_source(f"{base}/{f}.xml", name=f"Bench {f}"))
            rss_before = _rss_now_mb()
            first_s, polled, queued, failed = await _poll_round(services)
            rss_first = _rss_now_mb()
            clock.advance(timedelta(minutes=15))
            second_s, polled2, queued2, failed2 = await _poll_round(services)
            rss_second = _rss_now_mb()
            t0 = time.perf_counter()  # the first item loads the language model: timed apart
            warm = (await services.sources.extract_pending(limit=1)).items if sample else 0
            first_item_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            extracted = 0
            while extracted < sample and time.perf_counter() - t0 < EXTRACT_BUDGET_S:
                report = await services.sources.extract_pending(limit=min(20, sample - extracted))
                if not report.items:
                    break
                extracted += report.items
            extract_s = time.perf_counter() - t0
            pending = await services.sources.repo.pending_count()
        finally:
            stop.set()
            server.join(30)
    return {
        "feeds": feeds,
        "items_per_feed": items,
        "latency_ms": LATENCY_S * 1000,
        "feeds_first_round_s": round(first_s, 2),
        "feeds_first_round_polled": polled,
        "feeds_first_round_failed": failed,
        "feeds_items_queued": queued,
        "feeds_second_round_s": round(second_s, 2),
        "feeds_second_round_polled": polled2,
        "feeds_second_round_new": queued2,
        "feeds_second_round_failed": failed2,
        "feeds_rss_before_mb": rss_before,
        "feeds_rss_after_first_mb": rss_first,
        "feeds_rss_after_second_mb": rss_second,
        "feeds_extract_first_item_s": round(first_item_s, 2) if warm else None,
        "feeds_extract_items": extracted,
        "feeds_extract_items_per_s": round(extracted / extract_s, 1) if extracted else None,
        "feeds_still_pending": pending,
    }

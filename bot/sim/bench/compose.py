"""Bench part (b): one briefing tick enqueueing editions for many subscribers."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, timedelta
from typing import Any

from bot.domain.clock import FixedClock
from bot.domain.delivery_states import OutboxState
from bot.sim.bench.plans import (
    ACLED_TYPES,
    CHUNK,
    DUE,
    SEVERITIES,
    BenchPlan,
    Progress,
)
from bot.sim.bench.scratch import (
    ScratchStores,
    bench_settings,
    chunks,
    isolated,
    peak_rss_mb,
    quiet,
)
from bot.sim.bench.vocabulary import ACTORS, BENCH_COUNTRIES, OUTLETS


def filter_sets(
    gazetteer: Any, count: int, seed: int = 11
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """`count` distinct (places, event types) subscriptions: all, one province, a few, by type."""
    from bot.domain.people.subscriptions import EVENT_TYPES
    from bot.domain.places.model import PlaceKind

    rng = random.Random(seed)
    provinces = sorted(
        p.key for c in BENCH_COUNTRIES for p in gazetteer.places_of_kind(PlaceKind.PROVINCE, c)
    )
    sets: list[tuple[tuple[str, ...], tuple[str, ...]]] = [((), ())]
    seen = set(sets)
    while len(sets) < count:
        shape = rng.random()
        places = tuple(sorted(rng.sample(provinces, 1 if shape < 0.6 else rng.randint(2, 4))))
        types = () if shape < 0.75 else tuple(sorted(rng.sample(EVENT_TYPES, rng.randint(1, 2))))
        if (places, types) not in seen:
            seen.add((places, types))
            sets.append((places, types))
    return sets


def _event_rows(gazetteer: Any, count: int, seed: int = 5) -> Iterator[dict[str, Any]]:
    """Published events over the 60 days before DUE, first reported at spread instants."""
    from bot.domain.places.model import PlaceKind

    rng = random.Random(seed)
    places = [
        p
        for c in BENCH_COUNTRIES
        for kind in (PlaceKind.TOWN, PlaceKind.DISTRICT)
        for p in gazetteer.places_of_kind(kind, c)
    ]
    end = DUE.astimezone(UTC)
    for i in range(count):
        place = rng.choice(places)
        reported = end - timedelta(seconds=rng.randrange(60 * 86400))
        happened = (reported - timedelta(days=rng.choice((0, 0, 0, 1, 2, 9)))).date()
        event_type, sub_type = rng.choice(ACLED_TYPES)
        actor = rng.choice(ACTORS)
        yield {
            "id": i + 1,
            "summary": f"{actor} reported in {place.name}: {sub_type.lower()} near the district "
            f"centre, according to local officials (synthetic event {i + 1}).",
            "date_start": happened,
            "date_last": happened,
            "date_precision": "day",
            "place_key": place.key,
            "place_text": place.name,
            "location_precision": "exact",
            "actors_text": actor,
            "event_type": event_type,
            "sub_event_type": sub_type,
            "severity": rng.choice(SEVERITIES),
            "claim_status": "reported",
            "status": "published",
            "origin": "import",
            "reviewed": True,
            "reported_at": reported,
            "created_at": reported,
            "updated_at": reported,
        }


def _subscriber_rows(
    count: int, sets: Sequence[tuple[tuple[str, ...], tuple[str, ...]]], seed: int = 3
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(chat, subscription) pairs, all due at DUE; one chat in ten is a supergroup."""
    rng = random.Random(seed)
    due = DUE.astimezone(UTC)
    created = due - timedelta(days=30)
    for i in range(count):
        group = i % 10 == 9
        chat_id = -1_001_000_000_000 - i if group else 100_000_000 + i
        places, types = sets[rng.randrange(len(sets))]
        chat = {
            "id": chat_id,
            "type": "supergroup" if group else "private",
            "first_seen": created,
            "last_seen": created,
        }
        sub = {
            "chat_id": chat_id,
            "status": "active",
            "delivery_minute": 7 * 60,
            "timezone": "Asia/Kabul",
            "places": "\n".join(places),
            "event_types": "\n".join(types),
            "empty_note": True,
            "flash_alerts": True,
            "next_due_at": due,
            "last_window_end": due - timedelta(hours=24),
            "created_at": created,
            "updated_at": created,
        }
        yield chat, sub


async def _compose(url: str, plan: BenchPlan, progress: Progress) -> dict[str, Any]:
    from sqlalchemy import insert

    from bot.bootstrap import open_services
    from bot.store.models.delivery import SubscriptionRow
    from bot.store.models.events import EventRow, SourceRow
    from bot.store.models.people import Chat

    clock = FixedClock(DUE + timedelta(seconds=30))
    async with open_services(bench_settings(url), clock) as domain:
        sets = filter_sets(domain.gazetteer, plan.filter_sets)
        async with domain.sessions.begin() as session:
            for batch in chunks(_event_rows(domain.gazetteer, plan.edition_events)):
                await session.execute(insert(EventRow), batch)
                sources = [
                    {"event_id": e["id"], "outlet": OUTLETS[e["id"] % len(OUTLETS)], "url": "",
                     "title": "", "published_at": e["reported_at"]}
                    for e in batch
                ]  # fmt: skip
                await session.execute(insert(SourceRow), sources)
            pairs = _subscriber_rows(plan.subscribers, sets)
            while chunk := list(itertools.islice(pairs, CHUNK)):
                await session.execute(insert(Chat), [c for c, _ in chunk])
                await session.execute(insert(SubscriptionRow), [s for _, s in chunk])
        progress("compose: tick")
        t0 = time.perf_counter()
        report = await domain.briefings.tick(clock.now())
        seconds = time.perf_counter() - t0
        counts = await domain.outbox.counts()
        pictures = await _pictures(domain)
    return {
        "compose_s": round(seconds, 2),
        "subscribers": plan.subscribers,
        "filter_sets": len(sets),
        "due": report.due,
        "editions_rendered": report.editions_rendered,
        "audiences": len(report.audiences),
        "enqueued": report.enqueued,
        "outbox_queued": counts.get(OutboxState.QUEUED, 0),
        "subscribers_per_s": round(report.due / seconds) if seconds else None,
        **pictures,
    }


async def _pictures(domain: Any) -> dict[str, Any]:
    """Seconds to draw the weekly chart and map of every bench event's audience (matplotlib
    imported and warmed up first: a running bot pays that once)."""
    from bot.render.pictures import picture_labels, render_chart, render_map

    audience = domain.briefings.first_edition_audience(
        day=DUE.date(), timezone="Asia/Kabul", minute=DUE.hour * 60 + DUE.minute, weekly=True
    )
    data = await domain.briefings.collect(audience)
    drawn = domain.briefings.pictures(audience, data)
    labels = picture_labels(domain.renderer, drawn)
    render_chart(drawn, labels), render_map(drawn, labels)  # warm-up: import, fonts
    t0 = time.perf_counter()
    chart = render_chart(drawn, labels)
    t1 = time.perf_counter()
    drawing = render_map(drawn, labels)
    t2 = time.perf_counter()
    return {
        "weekly_chart_s": round(t1 - t0, 3),
        "weekly_map_s": round(t2 - t1, 3),
        "weekly_events_drawn": drawn.chart.total,
        "weekly_places_drawn": len(drawn.points),
        "picture_kb": round((len(chart) + len(drawing)) / 1024),
    }


def bench_compose(plan: BenchPlan, stores: ScratchStores, progress: Progress) -> dict[str, Any]:
    """Seconds for one tick to enqueue every subscriber's edition."""
    progress(f"compose: {plan.edition_events:,} events, {plan.subscribers:,} subscribers")
    return isolated(_compose_part, plan, stores)


def _compose_part(plan: BenchPlan, stores: ScratchStores) -> dict[str, Any]:
    url = stores.fresh("compose")
    result = asyncio.run(_compose(url, plan, quiet))
    result["rss_after_mb"] = peak_rss_mb()
    result["pid"] = os.getpid()
    return result

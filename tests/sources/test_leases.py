"""Several instances poll each due source once: leases claimed in the database (FOR UPDATE SKIP
LOCKED on PostgreSQL, an atomic claim on SQLite); a lease that runs out is claimed again; one
item per key however often a feed repeats it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.sources.commands import new_source
from bot.domain.sources.keys import item_keys
from bot.domain.sources.ports import PollResult
from bot.feeds.parse import parse_feed
from bot.store.session import create_engine, create_sessionmaker
from bot.store.sources import SourceStore
from tests.support.feedserver import ADRE, KIDAL, UNDATED, rss

NOW = datetime(2024, 3, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[SourceStore]:
    engine = create_engine(db_url)
    try:
        yield SourceStore(create_sessionmaker(engine))
    finally:
        await engine.dispose()


async def test_instances_never_claim_one_source_twice(store: SourceStore) -> None:
    for n in range(30):
        await store.add(new_source(f"https://feeds.example.org/{n}.xml"), by=None, now=NOW)
    claims = await asyncio.gather(
        *(store.claim_due(f"instance-{i}", NOW, 8, 600) for i in range(5))
    )
    ids = [s.id for claim in claims for s in claim]
    assert len(ids) == len(set(ids)) == 30
    assert await store.claim_due("late", NOW, 100, 600) == []  # all leased
    # one instance dies holding its lease; the others finish theirs
    dead, *alive = claims
    for i, claim in enumerate(alive, start=1):
        for source in claim:
            done = PollResult(ok=True)
            await store.record_poll(
                source.id, f"instance-{i}", done, NOW + timedelta(minutes=15), [], NOW
            )
    assert await store.claim_due("late", NOW + timedelta(minutes=5), 100, 600) == []
    retaken = await store.claim_due("late", NOW + timedelta(minutes=11), 100, 600)
    assert sorted(s.id for s in retaken) == sorted(s.id for s in dead)
    # the dead instance's late result no longer counts: the lease is another's now
    stale = await store.record_poll(dead[0].id, "instance-0", PollResult(ok=True), NOW, [], NOW)
    assert stale == 0


async def test_each_item_kept_once_per_source(store: SourceStore) -> None:
    source = await store.add(new_source("https://a.example.org/f"), by=None, now=NOW)
    await store.claim_due("i", NOW, 5, 600)
    items = parse_feed(rss([ADRE, KIDAL, UNDATED, ADRE]), "application/rss+xml").items
    keyed = [(item_keys(source.id, i), i) for i in items]
    added = await store.record_poll(source.id, "i", PollResult(ok=True), NOW, keyed, NOW)
    assert added == 3
    stored = await store.get(source.id)
    assert stored is not None and stored.items_seen == 3 and stored.next_poll_at == NOW
    assert await store.known_keys(source.id, [k for k, _ in keyed]) >= {keyed[0][0].item}
    pending = await store.claim_items("i", NOW, 10, 300)
    assert [p.item.title for p in pending] == [ADRE.title, KIDAL.title, UNDATED.title]
    assert await store.claim_items("j", NOW, 10, 300) == []  # leased to "i"

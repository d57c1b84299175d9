"""Polling sources end to end on both stores: items become events once (also across sources),
conditional GET on the next round, failures into the source's health with backoff, recovery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.bootstrap import Services, open_services
from bot.domain.clock import FixedClock
from bot.domain.events.model import EventStatus, EventView
from bot.domain.sources.commands import new_source
from tests.support.feedserver import (
    ADRE,
    ADRE_REWRITE,
    KIDAL,
    UNDATED,
    FeedServer,
    Route,
    atom,
    json_feed,
    rss,
)
from tests.support.harness import test_settings as settings_for

NOW = datetime(2024, 3, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
async def services(db_url: str) -> AsyncIterator[tuple[Services, FixedClock]]:
    clock = FixedClock(NOW)
    settings = settings_for(db_url, sources_allow_private=True)
    async with open_services(settings, clock) as services:
        yield services, clock


async def _events(services: Services) -> list[EventView]:
    statuses = (EventStatus.PUBLISHED, EventStatus.DRAFT)
    return await services.events.list_events(statuses=statuses, limit=100)


async def test_same_story_in_two_feeds_is_one_event_with_two_sources(
    services: tuple[Services, FixedClock], feed_server: FeedServer
) -> None:
    svc, clock = services
    a = feed_server.add("/a", Route(body=rss([ADRE, KIDAL]), etag='"a1"'))
    b = feed_server.add("/b", Route(body=atom([ADRE_REWRITE]), content_type="application/atom+xml"))
    c = feed_server.add("/c", Route(body=json_feed([ADRE]), content_type="application/feed+json"))
    wire = await svc.sources.add(new_source(a, name="Wire A", trust="publish"))
    other = await svc.sources.add(new_source(b, name="Other B", trust="publish"))
    echo = await svc.sources.add(new_source(c, name="Echo C", trust="publish"))
    reports = await svc.sources.poll_due()
    assert sorted((r.source.name, r.ok, r.new_items) for r in reports) == [
        ("Echo C", True, 1),
        ("Other B", True, 1),
        ("Wire A", True, 2),
    ]
    extracted = await svc.sources.extract_all()
    assert extracted.items == 4
    assert extracted.echoed == 1  # Echo C carries Wire A's story word for word: not re-extracted
    events = await _events(svc)
    adre = [e for e in events if "Adré" in e.summary]
    assert len(adre) == 1, [e.summary for e in events]
    assert sorted(src.outlet for src in adre[0].sources) == ["Echo C", "Other B", "Wire A"]
    assert adre[0].status is EventStatus.PUBLISHED
    kidal = [e for e in events if "Kidal" in e.summary]
    assert len(kidal) == 1 and [src.outlet for src in kidal[0].sources] == ["Wire A"]
    assert kidal[0].sources[0].url == KIDAL.link
    # polled again: nothing new, nothing doubled
    clock.advance(timedelta(hours=1))
    again = await svc.sources.poll_due()
    assert sorted(r.new_items for r in again) == [0, 0, 0]
    assert (await svc.sources.extract_all()).items == 0
    assert len(await _events(svc)) == len(events)
    for source in (wire, other, echo):
        stored = await svc.sources.repo.get(source.id)
        assert stored is not None and stored.healthy and stored.polls == 2


async def test_second_round_is_304_and_failures_go_into_health(
    services: tuple[Services, FixedClock], feed_server: FeedServer
) -> None:
    svc, clock = services
    ok = feed_server.add("/ok", Route(body=rss([KIDAL, UNDATED]), etag='"v1"'))
    flaky = feed_server.add("/flaky", Route(body=rss([ADRE]), fail_first=2))
    good = await svc.sources.add(new_source(ok, name="Good", every="15m"))
    bad = await svc.sources.add(new_source(flaky, name="Flaky", every="15m"))
    first = {r.source.id: r for r in await svc.sources.poll_due()}
    assert first[good.id].ok and first[good.id].new_items == 2
    assert not first[bad.id].ok and "500" in first[bad.id].error
    assert await svc.sources.poll_due() == []  # nothing due: not polled again at once
    health = await svc.sources.repo.get(bad.id)
    assert health is not None and health.failures == 1 and "500" in health.last_error
    assert health.next_poll_at == NOW + timedelta(minutes=15)
    clock.advance(timedelta(minutes=15))
    second = {r.source.id: r for r in await svc.sources.poll_due()}
    assert second[good.id].not_modified and second[good.id].new_items == 0
    assert not second[bad.id].ok
    health = await svc.sources.repo.get(bad.id)
    assert health is not None and health.failures == 2
    assert health.next_poll_at == clock.now() + timedelta(minutes=30)  # backed off
    clock.advance(timedelta(minutes=30))
    third = {r.source.id: r for r in await svc.sources.poll_due()}
    assert third[bad.id].ok and third[bad.id].new_items == 1
    health = await svc.sources.repo.get(bad.id)
    assert health is not None and health.failures == 0 and health.last_error == ""
    assert health.items_seen == 1 and health.last_success_at == clock.now()
    # trust "review" (the default): the events wait as drafts; the undated item counts as today's
    assert (await svc.sources.extract_all()).items == 3
    events = await _events(svc)
    assert events and {e.status for e in events} == {EventStatus.DRAFT}
    days = {src.published_on for e in events for src in e.sources}
    # each item's own day (Kidal 6 March, Adré 8 March); the undated item: today
    assert days == {date(2024, 3, 6), date(2024, 3, 8), NOW.date()}


async def test_since_skips_older_items(
    services: tuple[Services, FixedClock], feed_server: FeedServer
) -> None:
    svc, _ = services
    url = feed_server.add("/f", Route(body=rss([ADRE, KIDAL, UNDATED])))
    await svc.sources.add(new_source(url, name="Since", since="2024-03-07"))
    [report] = await svc.sources.poll_due()
    assert report.ok and report.new_items == 2  # Kidal (6 March) is older; undated items stay

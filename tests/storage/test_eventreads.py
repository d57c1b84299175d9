"""The lean read path of answers (bot/store/eventreads.py) against the ORM and session queries."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import make_url

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.filters import EventFilter
from bot.domain.events.model import EventDraft, Severity, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from bot.store.eventreads import EventReads, SessionReads, SqliteReads, open_reads
from bot.store.search import coverage, search_event_ids, session_fetch
from tests.support.question_events import NOW, store_events

# Beyond the question fixtures: an instant-dated source, fatalities, an external key, several
# sources out of alphabetical order, and an event with no source at all.
EXTRA = (
    EventDraft(
        summary="Rockets hit the airport road in Kabul",
        when=FuzzyDate.day(date(2021, 7, 12)),
        place_key="kabul",
        place_text="Kabul",
        actors=("unidentified gunmen", "police"),
        severity=Severity.NOTABLE,
        fatalities=3,
        external_key="test:rockets",
        sources=(
            SourceInfo(
                "Reuters", "https://r/1", "Rockets", datetime(2021, 7, 12, 7, 5, tzinfo=UTC)
            ),
            SourceInfo("AP", "https://ap/2", published_on=date(2021, 7, 12)),
        ),
    ),
    EventDraft(
        summary="A market closed in Zaranj after a dispute",
        when=FuzzyDate.day(date(2021, 7, 11)),
        place_text="Zaranj bazaar",
    ),
)


@pytest.fixture
async def domain(db_url: str) -> AsyncIterator[Services]:
    """A store holding the question fixtures and the extra events above."""
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW)) as d:
        await store_events(d.events)
        await d.events.add_many(list(EXTRA))
        yield d


def _sqlite(d: Services) -> bool:
    return d.engine.dialect.name == "sqlite"


async def test_loaded_events_are_what_the_event_store_gives(domain: Services) -> None:
    d = domain
    ids = list(range(await d.events.count() + 2, 0, -1))  # newest first, two missing ids
    expected = await d.events.get_many(ids)
    assert any(e.fatalities for e in expected) and any(not e.sources for e in expected)
    assert any(len(e.sources) > 1 for e in expected)
    async with open_reads(d.sessions) as reads:
        assert isinstance(reads, SqliteReads if _sqlite(d) else SessionReads)
        records = await reads.load(ids)
        assert await reads.load([]) == []
    assert [d.answers._view(r) for r in records] == expected
    async with d.sessions() as session:  # the Core path gives the same on every backend
        core = await SessionReads(session).load(ids)
    assert core == records


async def test_search_and_coverage_match_the_session_queries(domain: Services) -> None:
    d = domain
    filters = [
        EventFilter(),
        EventFilter(term_groups=(("taliban",), ("seized", "captured"))),
        EventFilter(term_groups=(("taliban",), ("consulate",)), match_all=False),
        EventFilter(place_keys=frozenset({"islam-qala", "herat"}), first=date(2021, 7, 1)),
        EventFilter(place_keys=frozenset()),
    ]
    keys: list[frozenset[str] | None] = [
        None,
        frozenset({"islam-qala"}),
        frozenset({"nowhere"}),
        frozenset({"islam-qala", "herat", "kabul", "nowhere"}),
        frozenset(),
    ]
    async with d.sessions() as session, open_reads(d.sessions) as reads:
        for flt in filters:
            for order in ("newest", "oldest"):
                want = await search_event_ids(session, flt, limit=4, offset=1, order=order)
                got = await reads.search(flt, limit=4, offset=1, order=order)
                assert got == want, flt
        for place_keys in keys:
            assert await reads.coverage(place_keys) == await coverage(session, place_keys)


async def test_sqlite_statements_also_run_through_a_session(domain: Services) -> None:
    """The hand-written SQLite reads give the same through SQLAlchemy's own connection."""
    d = domain
    if not _sqlite(d):
        pytest.skip("SQLite statements")
    async with d.sessions() as session, open_reads(d.sessions) as reads:
        via_session: EventReads = SqliteReads(session_fetch(session), d.engine.dialect)
        ids = [3, 1, 2, 40]
        assert await via_session.load(ids) == await reads.load(ids)
        assert await via_session.coverage(None) == await reads.coverage(None)


async def test_empty_store_coverage(db_url: str) -> None:
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW)) as d, open_reads(d.sessions) as reads:
        cover = await reads.coverage(None)
        assert (cover.count, cover.first, cover.last) == (0, None, None)
        answer = await d.answers.ask("news from Herat", NOW)
        assert answer.kind == "nothing" and answer.coverage is not None
        assert answer.coverage.count == 0


async def test_asking_takes_no_write_lock(domain: Services) -> None:
    """A question is answered while another connection holds the write lock (an import)."""
    d = domain
    if not _sqlite(d):
        pytest.skip("SQLite locking")
    path = make_url(d.settings.database_url).database
    assert path is not None
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE events SET summary = summary WHERE id = 1")
        answer = await asyncio.wait_for(d.answers.ask("what happened at Islam Qala?", NOW), 5)
        assert answer.kind == "events"
        nothing = await asyncio.wait_for(d.answers.ask("casualties in 1990", NOW), 5)
        assert nothing.coverage is not None and nothing.coverage.count > 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()

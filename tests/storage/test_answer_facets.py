"""The question table's facets on both stores: kinds, actor roles, merged events, numbers.

The full table runs on SQLite (tests/unit/test_question_table.py); here a sample of every kind of
case runs on each backend, so the PostgreSQL predicates of bot.store.search_facets mean the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.filters import ActorFacet, EventFilter
from bot.store.event_reader import EventReader
from tests.support.table_events import NOW, store_table
from tests.unit.question_cases import CASES, Case
from tests.unit.test_question_table import run_case

# One or two questions of each sort: kinds, roles, ranges, follow-ups, numbers, rankings.
SAMPLE = [
    "airstrikes in Helmand",
    "suicide attacks in Kabul?",
    "explosions in Kandahar",
    "did the Taliban take over any areas in Zabul?",
    "what did the Taliban do in Wardak?",
    "attacks on the Taliban in Wardak",
    "IS-K in Nangarhar",
    "what did Afghan forces do in Farah?",
    "civilians killed in Kabul",
    "Herat from 1 to 10 July",
    "what happend at Islam Qalla yesterday?",
    "Kabul since the fall of Kabul",
    "and the Taliban?",
    "how many people were killed in Helmand in July?",
    "how many airstrikes in Balkh in August?",
    "which province had the most attacks last week?",
    "which province was deadliest in August",
    "Kandahar in Q2",
    'Taliban AND "Kabul" NEAR(x) OR *',
]


@pytest.fixture
async def table(db_url: str) -> AsyncIterator[tuple[Services, dict[int, str]]]:
    """A store holding the table's events, and each id's label."""
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW)) as services:
        labels = await store_table(services.events, services.sessions)
        yield services, labels


async def test_sample_of_the_table(table: tuple[Services, dict[int, str]]) -> None:
    services, labels = table
    cases: list[Case] = [c for c in CASES if c.question in SAMPLE]
    assert len(cases) == len(SAMPLE)
    problems = []
    for case in cases:
        outcome = await run_case(services.answers, case, labels)
        problems += [f"{case.question!r}: {p}" for p in outcome.problems]
    assert problems == []


async def test_merged_events_are_never_found(table: tuple[Services, dict[int, str]]) -> None:
    services, labels = table
    merged = next(i for i, label in labels.items() if label == "kab_sui_dup")
    original = next(i for i, label in labels.items() if label == "kab_sui")
    async with EventReader(services.sessions).reads() as reads:
        found = await reads.search(EventFilter(), limit=500)
        by_actor = await reads.search(
            EventFilter(actors=(ActorFacet("1", ("islamic state",)),)), limit=500
        )
    assert original in found and merged not in found
    assert original in by_actor and merged not in by_actor

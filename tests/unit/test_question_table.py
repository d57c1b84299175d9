"""The question table: analysts' questions over ACLED/UCDP-style events, with the expected answer.

Each case is a question as typed (paraphrases included) and what a right answer holds: the exact
set of events (lists), the count and the sum of reported fatalities (numbers), the top places
(rankings), an honest "nothing" where nothing is stored, or a polite answer to bad input. The
store is one migrated SQLite file per session (tests/support/table_events.py); the answers go
through the real AnswerService, facets, full-text search and the answer template.
The last test reports recall, precision and the exact-number rate over the whole table.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.bootstrap import open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.questions.answers import Answer, AnswerService
from bot.render.environment import Renderer, create_environment
from bot.store.atlas import world_gazetteer
from bot.store.event_facts import EventFactStore
from bot.store.event_reader import EventReader
from bot.store.session import create_engine, create_sessionmaker
from tests.support import dbtools
from tests.support.table_events import LISTED, NOW, store_table
from tests.unit.question_cases import CASES, Case

RENDER = Renderer(create_environment())


@pytest.fixture(scope="session")
def table_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[int, str]]:
    """One migrated SQLite file holding the table's events, and each id's label."""
    url = dbtools.sqlite_url(tmp_path_factory.mktemp("qtable") / "table.db")

    async def build() -> dict[int, str]:
        await dbtools.prepare(url)
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        async with open_services(settings, FixedClock(NOW)) as services:
            return await store_table(services.events, services.sessions)

    return url, asyncio.run(build())


@pytest.fixture
async def service(table_store: tuple[str, dict[int, str]]) -> AsyncIterator[AnswerService]:
    """The answers of the table's store (the world gazetteer, no focus country)."""
    engine = create_engine(table_store[0])
    sessions = create_sessionmaker(engine)
    try:
        yield AnswerService(
            EventReader(sessions), world_gazetteer(), facts=EventFactStore(sessions)
        )
    finally:
        await engine.dispose()


@dataclass
class Outcome:
    """What one case got: the events listed, the numbers, and whether it matched."""

    got: frozenset[str]
    expected: frozenset[str]
    number_ok: bool | None  # None: not a number question
    problems: list[str]


async def _ask(service: AnswerService, case: Case) -> tuple[Answer, str]:
    previous = service.understand(case.before, NOW) if case.before else None
    answer = await service.ask(case.question, NOW, previous, page=100)
    return answer, RENDER.render("answer.html", a=answer)


async def run_case(service: AnswerService, case: Case, labels: dict[int, str]) -> Outcome:
    """Ask one case's question and compare the answer with the expectation."""
    answer, text = await _ask(service, case)
    got = frozenset(labels[e.id] for e in answer.events)
    problems: list[str] = []
    assert got <= LISTED, f"a merged event was listed: {got - LISTED}"
    assert len(text) < 4096 * 3 and "{{" not in text
    number_ok: bool | None = None
    if case.kind == "polite":
        return Outcome(got, frozenset(), None, problems)
    if case.kind == "nothing":
        if answer.kind != "nothing":
            problems.append(f"kind {answer.kind}, expected nothing")
        if "Sitrep holds no events" not in text:
            problems.append("no honest 'nothing' text")
        return Outcome(got, frozenset(), None, problems)
    if answer.kind == "nothing" or "Sitrep holds no events" in text:
        problems.append("a false 'nothing stored'")
    if case.kind == "list":
        if got != case.events:
            problems.append(
                f"missing {sorted(case.events - got)}, unwanted {sorted(got - case.events)}"
            )
        if answer.total != len(got) and not answer.has_more:
            problems.append(f"total {answer.total} != {len(got)}")
        return Outcome(got, case.events, None, problems)
    tally = answer.tally
    assert tally is not None, case.question
    number_ok = True
    if case.count is not None and tally.events != case.count:
        number_ok = False
        problems.append(f"count {tally.events} != {case.count}")
    if case.killed is not None and tally.killed != case.killed:
        number_ok = False
        problems.append(f"killed {tally.killed} != {case.killed}")
    if case.kind == "killed" and "sources may differ" not in text:
        problems.append("no caveat on reported fatalities")
    if case.top:
        top = [(s.name, s.events if case.rank_by == "events" else s.killed) for s in tally.by_area]
        if top[: len(case.top)] != list(case.top):
            number_ok = False
            problems.append(f"top {top[: len(case.top)]} != {list(case.top)}")
    return Outcome(got, case.events, number_ok, problems)


@pytest.mark.parametrize("case", CASES, ids=[c.question[:60] for c in CASES])
async def test_question(
    service: AnswerService, table_store: tuple[str, dict[int, str]], case: Case
) -> None:
    outcome = await run_case(service, case, table_store[1])
    assert outcome.problems == []


async def test_table_scores(
    service: AnswerService,
    table_store: tuple[str, dict[int, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Recall, precision and exact numbers over the whole table (goal: 0.95 each)."""
    assert len(CASES) >= 150
    hits = expected = got = 0
    numbers = exact = 0
    false_nothing = 0
    for case in CASES:
        outcome = await run_case(service, case, table_store[1])
        if case.kind == "list":
            hits += len(outcome.got & outcome.expected)
            expected += len(outcome.expected)
            got += len(outcome.got)
        if outcome.number_ok is not None:
            numbers += 1
            exact += outcome.number_ok
        false_nothing += any("false 'nothing" in p for p in outcome.problems)
    recall, precision, exact_rate = hits / expected, hits / max(got, 1), exact / numbers
    with capsys.disabled():
        print(
            f"\nquestion table: {len(CASES)} questions, recall {recall:.3f}, precision "
            f"{precision:.3f}, exact numbers {exact_rate:.3f} ({exact}/{numbers}), "
            f"false 'nothing stored' {false_nothing}"
        )
    assert recall >= 0.95 and precision >= 0.95 and exact_rate >= 0.95
    assert false_nothing == 0

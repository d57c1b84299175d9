"""The labelled question set through AnswerService on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.filters import Order
from bot.domain.questions.answers import Answer, filter_for
from bot.render.environment import Renderer, create_environment
from bot.store import search_sqlite
from bot.store.search import session_fetch
from bot.store.search_plan import FTS_CAP, SqlitePlan
from bot.store.search_sqlite import sqlite_query
from tests.support.question_events import EVENTS, NOW, store_events

NEVER = ("iq_retracted", "guzara_draft")  # retracted and draft: in no answer, ever


@dataclass(frozen=True)
class Case:
    """One labelled question: what the answer must and must not contain."""

    question: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    kind: str = "events"
    text: tuple[str, ...] = ()  # phrases the rendered answer must contain


QUESTIONS: list[Case] = [
    # places, aliases, typos, scripts
    Case(
        "what happened at Islam Qala?", ("iq_seized", "iq_fled", "iq_fire"), ("herat_city_clash",)
    ),
    Case("Islam Qala?", ("iq_seized", "iq_fled")),
    Case("Islam Kala", ("iq_seized",)),
    Case("news from Islam Qalah", ("iq_seized",)),
    Case("اسلام قلعه", ("iq_seized", "iq_fire")),
    Case("د اسلام قلعه خبرونه", ("iq_seized",)),
    Case("هرات", ("herat_city_clash", "iq_seized")),
    Case(
        "news from Herat",
        ("karukh_unreviewed", "herat_city_clash", "iq_seized", "iq_fled"),
        ("kandahar_city", "spin_boldak"),
        text=("(unreviewed)", "near Islam Qala"),
    ),
    Case("herat", ("karukh_unreviewed", "iq_seized")),
    Case("Herat province", ("iq_seized", "karukh_unreviewed")),
    Case("Herat city", ("herat_city_clash",), ("iq_seized", "karukh_unreviewed", "iq_fled")),
    Case("what's new in Herat city this week", ("herat_city_clash",), ("iq_seized",)),
    Case("Kandahar", ("spin_boldak", "arghandab", "kandahar_city")),
    Case("Kandahar city", ("kandahar_city",), ("spin_boldak", "arghandab")),
    Case("Kunduz city", ("kunduz_today",), ("imam_sahib", "skb_june")),
    Case("news from Mazar", ("consulates",), text=("week of 5 Jul 2021",)),
    Case("Mazar-e-Sharif", ("consulates",)),
    Case("Kabul", ("kabul_embassy",), ("kunduz_today",)),
    Case("Takhar", ("takhar_militia",)),
    Case("the Taliban in Badakhshan", ("badakhshan", "tj_retreat"), ("skb_june",)),
    Case(
        "Spin Boldak",
        ("spin_boldak",),
        text=("Taliban claim; ministry denies", "border crossing to Pakistan"),
    ),
    # borders, demonyms, country names
    Case(
        "anything on the Tajik border?",
        ("tj_retreat", "tj_reservists", "skb_june"),
        ("iq_seized", "badakhshan"),
    ),
    Case("Tajikistan border", ("tj_retreat", "skb_june"), ("iq_seized",)),
    Case(
        "the Iran border",
        ("iq_seized", "iq_fled", "iq_fire"),
        ("spin_boldak", "torkham_closed", "tj_retreat"),
    ),
    Case("Pakistan border", ("spin_boldak", "torkham_closed"), ("iq_seized",)),
    Case("Iranian media", ("iq_fled",), ("iq_seized",)),
    Case("Tajik troops", ("tj_retreat",), ("tj_reservists", "iq_fled")),
    Case("Turkey consulate", ("consulates",), ("kabul_embassy",)),
    Case("Russian consulate", ("consulates",)),
    Case("what did the Americans say", ("centcom",)),
    Case("US withdrawal", ("centcom",)),
    # time windows (now: Thursday 15 July 2021, 09:00 in Kabul)
    Case("what happened today", ("kunduz_today",), ("spin_boldak", "kabul_embassy")),
    Case(
        "what did the Taliban do yesterday?",
        ("spin_boldak",),
        ("kabul_embassy", "kunduz_today"),
    ),
    Case(
        "this week",
        ("kunduz_today", "kabul_embassy", "spin_boldak", "imam_sahib", "karukh_unreviewed"),
        ("iq_seized", "torkham_closed"),
    ),
    Case("last 7 days in Kandahar", ("spin_boldak", "arghandab", "kandahar_city"), ("iq_seized",)),
    Case("Kandahar last week", ("arghandab", "kandahar_city"), ("spin_boldak",)),
    Case("since Monday in Kunduz", ("kunduz_today", "imam_sahib"), ("skb_june",)),
    Case("in July", ("kunduz_today", "kabul_embassy"), ("iq_fire", "skb_june")),
    Case("news from Kunduz in June", ("skb_june",), ("imam_sahib", "kunduz_today")),
    Case(
        "in February 2021",
        ("iq_fire",),
        ("feb_2019", "iq_seized"),
        text=("Feb 2021", "February 2021"),
    ),
    Case("Islam Qala in February", ("iq_fire",), ("feb_2019", "iq_seized")),
    Case("on 8 July", ("iq_seized", "iq_fled", "consulates"), ("centcom", "tj_retreat")),
    Case(
        "what happened at Islam Qala on 8 July",
        ("iq_seized", "iq_fled"),
        ("iq_fire",),
        text=("8 Jul 2021", '<a href="https://apnews.com/article/islam-qala">AP</a>'),
    ),
    # actors and event words, with synonyms
    Case("who took control of crossings?", ("iq_seized", "spin_boldak"), ("torkham_closed",)),
    Case("who overran what", ("arghandab", "tj_retreat", "iq_seized"), ("kabul_embassy",)),
    Case("soldiers retreated", ("iq_fled",), ("kandahar_city",)),
    Case("fled", ("iq_fled", "imam_sahib", "tj_retreat"), ("iq_seized",)),
    Case("fire at Islam Qala", ("iq_fire",), ("iq_seized", "iq_fled")),
    Case("consulate", ("consulates", "kabul_embassy"), ("iq_seized",)),
    Case("what did the militia do in Takhar?", ("takhar_militia",)),
    # nothing found, unknown names, never retracted or draft
    Case(
        "Islam Qala in June",
        kind="nothing",
        text=(
            "Sitrep holds no events for Islam Qala",
            "Its records for Islam Qala run from 1 Feb 2019 to 8 Jul 2021 (4 events)",
        ),
        exclude=("iq_seized",),
    ),
    Case(
        "what did the Taliban do in Herat yesterday?",
        kind="nothing",
        text=("Sitrep holds no events for Herat",),
    ),
    Case("Uzbek border", kind="nothing", text=("no records for Uzbekistan border crossings",)),
    Case("Guzara", kind="nothing", text=("no records for Guzara",)),
    Case("Iranian border guards", kind="nothing"),
    Case(
        "news from Zorgabad",
        kind="unknown_place",
        text=("I don't know a place called “Zorgabad”", "Did you mean"),
    ),
    Case("what happened in Kandahr city?", ("kandahar_city",)),
]


@pytest.fixture
async def domain(db_url: str) -> AsyncIterator[tuple[Services, dict[int, str]]]:
    """A store holding every fixture event, and the label of each stored id."""
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW)) as d:
        ids = await store_events(d.events)
        yield d, {v: k for k, v in ids.items()}


def _check(case: Case, answer: Answer, labels: dict[int, str], text: str) -> list[str]:
    got = [labels[e.id] for e in answer.events]
    problems = []
    if answer.kind != case.kind:
        problems.append(f"kind {answer.kind} != {case.kind}")
    problems += [f"missing {x}" for x in case.include if x not in got]
    problems += [f"unwanted {x}" for x in (*case.exclude, *NEVER) if x in got]
    problems += [f"text lacks {t!r}" for t in case.text if t not in text]
    if len(got) != len(set(got)):
        problems.append("an event twice")
    days = [e.when.first_day() for e in answer.events]
    if days != sorted(days, reverse=True):
        problems.append("not newest first")
    return [f"{case.question!r}: {p} (got {got})" for p in problems]


async def test_labelled_question_set(domain: tuple[Services, dict[int, str]]) -> None:
    d, labels = domain
    renderer = Renderer(create_environment())
    problems: list[str] = []
    for case in QUESTIONS:
        answer = await d.answers.ask(case.question, NOW)
        text = renderer.render("answer.html", a=answer)
        problems += _check(case, answer, labels, text)
    assert len(QUESTIONS) >= 40
    assert problems == []


@pytest.mark.parametrize(
    ("questions", "include", "exclude"),
    [
        (["what did the Taliban do yesterday?", "and in Kandahar?"], ("spin_boldak",), ()),
        (["Herat", "and Kunduz?"], ("kunduz_today", "imam_sahib"), ("iq_seized",)),
        (["news from Kandahar", "what about last week?"], ("arghandab",), ("spin_boldak",)),
        (["Islam Qala on 8 July", "and Spin Boldak?"], (), ("spin_boldak", "iq_seized")),
        (["Tajik border", "and the Iran border?"], ("iq_seized",), ("skb_june",)),
    ],
)
async def test_follow_ups_keep_the_previous_terms(
    domain: tuple[Services, dict[int, str]],
    questions: list[str],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
) -> None:
    d, labels = domain
    previous = None
    answer = None
    for q in questions:
        answer = await d.answers.ask(q, NOW, previous)
        previous = answer.query
    assert answer is not None
    got = [labels[e.id] for e in answer.events]
    assert all(x in got for x in include), got
    assert not any(x in got for x in exclude), got


async def test_more_pages_on_without_repeats(domain: tuple[Services, dict[int, str]]) -> None:
    d, labels = domain
    first = await d.answers.ask("news from Herat", NOW)
    assert first.has_more and len(first.events) == 5
    second = await d.answers.answer(first.query, offset=first.next_offset)
    seen = [labels[e.id] for e in (*first.events, *second.events)]
    assert len(seen) == len(set(seen)) == 6  # Herat holds six visible events
    assert "feb_2019" in seen and not second.has_more


async def test_latest_timeline_and_search(domain: tuple[Services, dict[int, str]]) -> None:
    d, labels = domain
    latest = await d.answers.latest(3, NOW)
    assert [labels[e.id] for e in latest.events] == ["kunduz_today", "spin_boldak", "kabul_embassy"]
    timeline = await d.answers.timeline("islam qala", NOW)
    assert [labels[e.id] for e in timeline.events][:2] == ["feb_2019", "iq_fire"]
    assert timeline.order == "oldest"
    search = await d.answers.search("consulate closed", NOW)
    assert "consulates" in [labels[e.id] for e in search.events]
    unknown = await d.answers.timeline("Zorgastan", NOW)
    assert unknown.kind == "unknown_place" and not unknown.events


async def test_same_day_events_most_severe_first(domain: tuple[Services, dict[int, str]]) -> None:
    d, labels = domain
    answer = await d.answers.ask("Islam Qala on 8 July", NOW)
    assert [labels[e.id] for e in answer.events] == ["iq_seized", "iq_fled"]  # flash first


@pytest.mark.slow  # a sweep of odd inputs, one seeded store each: the full suite runs it
@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "🔥🔥🔥 ???",
        "x" * 4000,
        "Islam Qala " * 400,
        'Islam Qala AND NEAR(fire, "tanker") OR * -Taliban (seized',
        "'; DROP TABLE events; --",
        '" OR 1=1 --',
        "NEAR AND OR NOT",
        "taliban*",
        "-",
        "()",
        "هرات کې څه وشول؟",
        "چه خبر است در مزار شریف",
        "\x00\x1f",
    ],
)
async def test_bad_input_never_errors(
    domain: tuple[Services, dict[int, str]], question: str
) -> None:
    d, labels = domain
    renderer = Renderer(create_environment())
    answer = await d.answers.ask(question, NOW)
    assert answer.kind in ("events", "nothing", "unknown_place")
    assert not any(labels[e.id] in NEVER for e in answer.events)
    assert renderer.render("answer.html", a=answer).strip()
    assert await d.events.count() == len(EVENTS)  # nothing was dropped or changed


@pytest.mark.parametrize(
    "question",
    [
        "fire at Islam Qala",
        "news from Herat",
        "Taliban in Kandahar",
        "who took control of Spin Boldak?",
        "what did the Taliban do yesterday?",
        "consulate closed",
        "Herat in July",
    ],
)
async def test_every_sqlite_plan_finds_the_same_events(
    domain: tuple[Services, dict[int, str]], question: str
) -> None:
    d, labels = domain
    async with d.sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite plans only")
        flt = filter_for(d.answers.understand(question, NOW))
        conn = await session.connection()
        results = []
        for plan in (
            SqlitePlan(fts_driven=True),
            SqlitePlan(fts_driven=False),
            SqlitePlan(fts_driven=False, use_set=True),
            SqlitePlan(fts_driven=False, one_walk=True),
        ):
            orders: tuple[Order, ...] = ("newest", "oldest")
            for order in orders:
                built = sqlite_query(flt, limit=20, order=order, plan=plan)
                assert built is not None
                rows = (await conn.exec_driver_sql(built[0], tuple(built[1]))).fetchall()
                results.append((order, [labels[r[0]] for r in rows]))
        for order in ("newest", "oldest"):  # a bounded walk longer than the store is a walk
            built = sqlite_query(flt, limit=20, order=order, plan=SqlitePlan(False), budget=10**6)
            assert built is not None
            rows = (await conn.exec_driver_sql(built[0], tuple(built[1]))).fetchall()
            results.append((order, [labels[r[0]] for r in rows]))
    newest = [got for order, got in results if order == "newest"]
    oldest = [got for order, got in results if order == "oldest"]
    assert newest[0] and all(got == newest[0] for got in newest)
    assert all(got == list(reversed(newest[0])) for got in oldest)
    assert not any(x in NEVER for x in newest[0])


async def test_coverage_counts_only_published_events(
    domain: tuple[Services, dict[int, str]],
) -> None:
    d, labels = domain
    answer = await d.answers.ask("casualties in 1990", NOW)
    assert answer.kind == "nothing" and answer.coverage is not None
    assert set(NEVER) <= set(labels.values())  # a draft and a retracted event are stored
    assert answer.coverage.count == len(labels) - len(NEVER)


@pytest.mark.parametrize(
    "question", ["Taliban in Kandahar", "fire at Islam Qala", "consulate closed"]
)
async def test_a_walk_cut_short_finds_what_the_full_search_finds(
    domain: tuple[Services, dict[int, str]], question: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the bounded walk ends before the page is full, the matching-id set takes over."""
    d, _ = domain
    async with d.sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("SQLite plans only")
        flt = filter_for(d.answers.understand(question, NOW))
        assert flt.term_groups  # words, so a walk tests each candidate with a MATCH
        fetch = session_fetch(session)
        stats = {"struct": 10**6, "fts": FTS_CAP, "total": 10**6}  # common words, many places
        monkeypatch.setattr(search_sqlite, "_sqlite_stats", _fixed(stats))
        walked = await search_sqlite.sqlite_search_ids(fetch, flt, limit=20)
        monkeypatch.setattr(search_sqlite, "WALK_TERM_ROWS", 1)
        monkeypatch.setattr(search_sqlite, "WALK_MIN_ROWS", 1)
        cut_short = await search_sqlite.sqlite_search_ids(fetch, flt, limit=20)
    assert walked and cut_short == walked


def _fixed(stats: dict[str, int]) -> Any:
    async def counts(*_: Any) -> dict[str, int]:
        return dict(stats)

    return counts

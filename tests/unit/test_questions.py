"""Understanding questions (pure) and the retrieval statements built from them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.domain.events.filters import EventFilter
from bot.domain.questions.answers import filter_for
from bot.domain.questions.statecodec import query_from_json, query_to_json
from bot.domain.questions.understand import Understander
from bot.store.atlas import world_gazetteer
from bot.store.search_filter import clean_term, fts5_query
from bot.store.search_plan import FTS_CAP, SqlitePlan, StatsCache, choose_plan, sqlite_stats_queries
from bot.store.search_sqlite import sqlite_query
from tests.support.question_events import NOW

U = Understander(world_gazetteer())


@pytest.mark.parametrize(
    ("question", "place", "inside", "outside"),
    [
        ("news from Herat", "herat", ["islam-qala", "herat-city", "karukh"], ["spin-boldak"]),
        ("herat", "herat", ["islam-qala"], []),
        ("Herat city", "herat-city", ["herat-city"], ["islam-qala", "karukh"]),
        ("Herat province", "herat", ["islam-qala"], []),
        ("Islam Qala?", "islam-qala", ["islam-qala"], ["herat-city"]),
        ("Islam Kala", "islam-qala", [], []),
        ("اسلام قلعه", "islam-qala", [], []),
        ("هرات", "herat", ["islam-qala"], []),
        ("Kandahar", "kandahar", ["spin-boldak", "kandahar-city"], []),
        ("Kandahar city", "kandahar-city", [], ["spin-boldak"]),
        ("Kunduz", "kunduz", ["sher-khan-bandar", "imam-sahib"], []),
        ("Mazar", "mazar-e-sharif", [], []),
    ],
)
def test_places_and_their_scope(
    question: str, place: str, inside: list[str], outside: list[str]
) -> None:
    q = U.understand(question, NOW)
    assert [p.key for p in q.places] == [place]
    assert q.place_keys is not None
    assert all(k in q.place_keys for k in inside)
    assert not any(k in q.place_keys for k in outside)


@pytest.mark.parametrize(
    ("question", "country", "crossings"),
    [
        ("the Tajik border", "tajikistan", ["sher-khan-bandar", "ishkashim-crossing"]),
        ("Tajikistan border", "tajikistan", ["sher-khan-bandar"]),
        ("anything on the Iran border?", "iran", ["islam-qala"]),
        ("Iranian border", "iran", ["islam-qala"]),
    ],
)
def test_borders_mean_their_crossings(question: str, country: str, crossings: list[str]) -> None:
    q = U.understand(question, NOW)
    assert q.border_of is not None and q.border_of.key == country
    assert q.place_keys is not None and all(k in q.place_keys for k in crossings)
    assert "herat-city" not in q.place_keys


@pytest.mark.parametrize(
    ("question", "first", "last", "label"),
    [
        ("what happened today", date(2021, 7, 15), date(2021, 7, 15), "today"),
        ("yesterday in Herat", date(2021, 7, 14), date(2021, 7, 14), "yesterday"),
        ("this week", date(2021, 7, 12), date(2021, 7, 15), "this week"),
        ("last 7 days", date(2021, 7, 8), date(2021, 7, 15), "the last 7 days"),
        ("since Monday", date(2021, 7, 12), date(2021, 7, 15), "since Mon 12 Jul"),
        ("in July", date(2021, 7, 1), date(2021, 7, 15), "July 2021"),
        ("in February 2021", date(2021, 2, 1), date(2021, 2, 28), "February 2021"),
        ("on 8 July", date(2021, 7, 8), date(2021, 7, 8), "8 Jul 2021"),
        ("last week", date(2021, 7, 5), date(2021, 7, 11), "last week"),
    ],
)
def test_time_windows(question: str, first: date, last: date, label: str) -> None:
    q = U.understand(question, NOW)
    assert (q.first_date, q.last_date) == (first, last)
    assert q.window is not None and q.window.label == label


@pytest.mark.parametrize(
    ("question", "actors", "group_has"),
    [
        ("what did the Taliban do yesterday?", ("Taliban",), "taliban"),
        ("Iranian media", ("Iran",), "iranian"),
        ("Tajik troops", ("Tajik forces",), "tajik troops"),
        ("what did the Americans say", ("U.S.",), "american"),
    ],
)
def test_actors_and_demonyms(question: str, actors: tuple[str, ...], group_has: str) -> None:
    q = U.understand(question, NOW)
    assert q.actors == actors
    assert group_has in q.term_groups()[0]


@pytest.mark.parametrize(
    ("question", "word", "synonyms"),
    [
        ("soldiers fled", "fled", ["retreated", "crossed into"]),
        ("crossed into Iran", "crossed into", ["fled", "retreated"]),
        ("fire", "fire", ["blaze"]),
        ("Russian consulate", "consulate", ["consulates"]),
    ],
)
def test_event_words_pull_in_their_synonyms(question: str, word: str, synonyms: list[str]) -> None:
    q = U.understand(question, NOW)
    assert word in q.words
    group = next(g for g in q.term_groups() if word in g)
    assert all(s in group for s in synonyms)


@pytest.mark.parametrize(
    ("first", "second", "place", "window"),
    [
        ("what did the Taliban do yesterday?", "and Kandahar?", "kandahar", "yesterday"),
        ("news from Herat this week", "what about Kunduz?", "kunduz", "this week"),
        ("news from Kandahar", "how about last week?", "kandahar", "last week"),
    ],
)
def test_follow_ups(first: str, second: str, place: str, window: str) -> None:
    q = U.understand(second, NOW, U.understand(first, NOW))
    assert [p.key for p in q.places] == [place]
    assert q.window is not None and q.window.label == window


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("news from Zorgabad", "Zorgabad"),
        ("Zorgastan", "Zorgastan"),
        ("Narnian consulate", "Narnian"),
    ],
)
def test_unknown_names(question: str, unknown: str) -> None:
    q = U.understand(question, NOW)
    assert q.unknown_name == unknown and not q.places


@pytest.mark.parametrize(
    "question",
    ["", " ", "🔥", "x" * 4000, "AND OR NEAR", '" * - ( )', "'; DROP TABLE events; --", "\x00"],
)
def test_odd_questions_understood_without_error(question: str) -> None:
    q = U.understand(question, NOW)
    match = fts5_query(q.term_groups(), True)
    if match is not None:  # only quoted plain words, grouped by the query's own syntax
        assert re.fullmatch(
            r'\((?:"[\w ]+"(?: OR )?)+\)(?: AND \((?:"[\w ]+"(?: OR )?)+\))*', match
        )
    assert "x" * 41 not in (match or "")


@pytest.mark.parametrize(
    ("term", "clean"),
    [
        ('"tanker" AND', "tanker and"),
        ("NEAR(fire, 5)", "near fire 5"),
        ("tali*", "tali"),
        ("-taliban", "taliban"),
        ("u.s.", "u s"),
        ("()", ""),
    ],
)
def test_terms_lose_full_text_operators(term: str, clean: str) -> None:
    assert clean_term(term) == clean


def test_fts5_query_quotes_every_term() -> None:
    assert fts5_query([("b", "a"), ("c d",)], True) == '("a" OR "b") AND ("c d")'
    assert fts5_query([("a",), ("b",)], False) == '("a") OR ("b")'
    assert fts5_query([("*",), ("()",)], True) is None


@pytest.mark.parametrize(
    ("stats", "fts_driven"),
    [
        ({"fts": 50, "total": 1_000_000, "struct": 20_000}, True),  # rare words: from the index
        ({"fts": FTS_CAP, "total": 1_000_000, "struct": 4000}, False),  # common: walk places
        ({"fts": 5000, "total": 1_000_000, "struct": 30}, False),  # few candidates: walk them
        ({}, True),
    ],
)
def test_plan_choice(stats: dict[str, int], fts_driven: bool) -> None:
    assert choose_plan(stats, 6).fts_driven is fts_driven


def test_statements_narrow_by_place_time_and_words() -> None:
    flt = filter_for(
        U.understand("what did the Taliban do at the consulate in Herat yesterday?", NOW)
    )
    assert flt.place_keys is not None and "islam-qala" in flt.place_keys
    assert flt.actors[0].role == "1" and "taliban" in flt.actors[0].names
    stats = sqlite_stats_queries(flt)
    assert set(stats) == {"struct", "fts", "total"}
    built = sqlite_query(flt, limit=6)
    assert built is not None
    sql, params = built
    assert "events_fts MATCH ?" in sql and any("consulate" in str(p) for p in params)
    assert "e.actor1_text" in sql and "% taliban%" in params and "e.merged_into IS NULL" in sql
    assert "2021-07-14" in params and "published" in params
    walk = sqlite_query(flt, limit=6, plan=choose_plan({"fts": FTS_CAP, "total": 10**6}, 6))
    assert walk is not None and "UNION ALL" in walk[0] and "EXISTS" in walk[0]
    assert sqlite_query(EventFilter(place_keys=frozenset()), limit=5) is None


@pytest.mark.parametrize(
    ("stats", "walks", "terms", "mode"),
    [
        # a few thousand matches of a long OR group, many candidates: collect the ids once
        ({"fts": 9_800, "total": 1_000_000, "struct": 900}, 32, 10, "set"),
        ({"fts": 5_000, "total": 1_000_000, "struct": 20_000}, 1, 14, "set"),
        # common words over many places: one walk of the date index, not one per place
        ({"fts": FTS_CAP, "total": 1_000_000, "struct": 20_000}, 31, 6, "one_walk"),
        ({"fts": 150_000, "total": 1_000_000, "struct": 20_000}, 31, 6, "one_walk"),
        # few places, common words: one walk per place
        ({"fts": FTS_CAP, "total": 1_000_000, "struct": 2_000}, 2, 2, "walk"),
        ({"fts": 40, "total": 1_000_000, "struct": 20_000}, 31, 6, "fts"),
    ],
)
def test_plan_modes(stats: dict[str, int], walks: int, terms: int, mode: str) -> None:
    plan = choose_plan(stats, 6, walks, terms)
    got = "fts" if plan.fts_driven else "set" if plan.use_set else "one_walk"
    got = got if plan.fts_driven or plan.use_set or plan.one_walk else "walk"
    assert got == mode


def test_statements_follow_the_index_order() -> None:
    flt = filter_for(U.understand("fire in Herat this week", NOW))
    keys = sorted(flt.place_keys or ())
    assert len(keys) > 1
    for plan in (
        SqlitePlan(fts_driven=True),
        SqlitePlan(fts_driven=False),
        SqlitePlan(fts_driven=False, use_set=True),
        SqlitePlan(fts_driven=False, one_walk=True),
    ):
        built = sqlite_query(flt, limit=6, plan=plan)
        assert built is not None
        sql, params = built
        # (date_start, date_last, id) is the order of the date indexes: no sort per day (the set
        # of several places reads them through the place index and sorts: "+e.date_start")
        sql = sql.replace("ORDER BY +e.date_start", "ORDER BY e.date_start")
        assert sql.endswith(
            "ORDER BY e.date_start DESC, e.date_last DESC, e.id DESC LIMIT ? OFFSET ?"
        ) or ("ORDER BY date_start DESC, date_last DESC, id DESC LIMIT ? OFFSET ?" in sql)
        assert params[-2:] == [6, 0] and set(keys) <= set(params)
    set_sql = sqlite_query(flt, limit=6, plan=SqlitePlan(False, use_set=True))
    assert set_sql is not None and "+e.id IN (SELECT rowid FROM events_fts" in set_sql[0]
    assert "ORDER BY +e.date_start DESC" in set_sql[0]  # several places: not the date index
    one = sqlite_query(flt, limit=6, plan=SqlitePlan(False, one_walk=True))
    assert one is not None and "+e.place_key IN" in one[0] and "UNION" not in one[0]
    oldest = sqlite_query(flt, limit=6, order="oldest", plan=SqlitePlan(False, use_set=True))
    assert oldest is not None and "e.date_last ASC, e.id ASC" in oldest[0]


def test_stats_cache_keeps_counts_only_while_fresh() -> None:
    cache = StatsCache(size=2, ttl=60.0, growth=0.05)
    key = ("SELECT count(*) …", ("fire",))
    cache.put(key, 0, 1000, 0.0)
    assert cache.get(key, 1000, 1.0) is None  # a zero ends a search: never kept
    cache.put(key, 70, 1000, 0.0)
    assert cache.get(key, 1040, 30.0) == 70
    assert cache.get(key, 1100, 30.0) is None  # the store grew by more than 5%
    cache.put(key, 70, 1000, 0.0)
    assert cache.get(key, 1000, 61.0) is None  # too old
    for i in range(3):
        cache.put(("q", (i,)), i + 1, 1000, 0.0)
    assert len(cache) == 2 and cache.get(("q", (0,)), 1000, 0.0) is None


@pytest.mark.parametrize(
    "question",
    [
        "what did Afghan forces do in Farah?",
        "how many people were killed in Helmand in July?",
        "which district had the most airstrikes last week?",
        "Herat from 1 to 10 July",
    ],
)
def test_structured_questions_survive_the_state_codec(question: str) -> None:
    """Follow-ups and More pages read the stored query back: roles, kinds and intent included."""
    q = U.understand(question, NOW)
    back = query_from_json(query_to_json(q), U.gazetteer)
    assert back == q
    assert filter_for(back) == filter_for(q)

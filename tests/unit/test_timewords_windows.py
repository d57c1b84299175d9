"""Time words: windows from questions, and windows against event dates."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain.questions.timetypes import FuzzyDate, Window
from bot.domain.questions.timewords import event_date_in_text, find_window
from tests.support.timewords import (
    NOW_BERLIN_DST,
    NOW_BERLIN_NY,
    NOW_KABUL,
    PUB,
    SEED_CENTCOM,
    SEED_SUNDAY_TROOPS,
    b,
    d,
    k,
)

# --- questions -------------------------------------------------------------------------------


WINDOW_CASES: list[tuple[str, datetime, datetime, datetime, str, str]] = [
    ("what happened yesterday?", NOW_KABUL, k(7, 9), k(7, 10), "yesterday", "what happened?"),
    ("news from Herat this week?", NOW_KABUL, k(7, 5), k(7, 11), "this week", "news from Herat?"),
    ("since Monday", NOW_KABUL, k(7, 5), NOW_KABUL, "since Mon 5 Jul", ""),
    (
        "attacks in Kunduz in the last 7 days",
        NOW_KABUL,
        k(7, 3, 9),
        NOW_KABUL,
        "the last 7 days",
        "attacks in Kunduz",
    ),
    ("last 7 days", NOW_KABUL, k(7, 3, 9), NOW_KABUL, "the last 7 days", ""),
    ("news from the past week", NOW_KABUL, k(7, 3, 9), NOW_KABUL, "the last 7 days", "news"),
    ("in July", NOW_KABUL, k(7, 1), k(7, 11), "July 2021", ""),
    (
        "What happened in Herat in February 2021?",
        NOW_KABUL,
        k(2, 1),
        k(3, 1),
        "February 2021",
        "What happened in Herat?",
    ),
    ("news on 8 July", NOW_KABUL, k(7, 8), k(7, 9), "8 Jul 2021", "news"),
    ("8 Jul Kabul", NOW_KABUL, k(7, 8), k(7, 9), "8 Jul 2021", "Kabul"),
    ("July 8 Kabul", NOW_KABUL, k(7, 8), k(7, 9), "8 Jul 2021", "Kabul"),
    ("events on 2021-07-08", NOW_KABUL, k(7, 8), k(7, 9), "8 Jul 2021", "events"),
    ("today", NOW_KABUL, k(7, 10), k(7, 11), "today", ""),
    ("Taliban this month", NOW_KABUL, k(7, 1), k(7, 11), "this month", "Taliban"),
    ("last week in Kandahar", NOW_KABUL, k(6, 28), k(7, 5), "last week", "in Kandahar"),
    ("past 3 days", NOW_KABUL, k(7, 7, 9), NOW_KABUL, "the last 3 days", ""),
    (
        "clashes in the past 2 weeks",
        NOW_KABUL,
        k(6, 26, 9),
        NOW_KABUL,
        "the last 2 weeks",
        "clashes",
    ),
    (
        "clashes in the last 24 hours?",
        NOW_KABUL,
        k(7, 9, 9),
        NOW_KABUL,
        "the last 24 hours",
        "clashes?",
    ),
    ("last 6 hours", NOW_KABUL, k(7, 10, 3), NOW_KABUL, "the last 6 hours", ""),
    (
        "anything recently in Kunduz?",
        NOW_KABUL,
        k(7, 3, 9),
        NOW_KABUL,
        "the last 7 days",
        "anything in Kunduz?",
    ),
    ("what happened on Friday?", NOW_KABUL, k(7, 9), k(7, 10), "Fri 9 Jul", "what happened?"),
    ("what happened on Saturday?", NOW_KABUL, k(7, 10), k(7, 11), "Sat 10 Jul", "what happened?"),
    ("last Saturday", NOW_KABUL, k(7, 3), k(7, 4), "Sat 3 Jul", ""),
    ("Attacks in May?", NOW_KABUL, k(5, 1), k(6, 1), "May 2021", "Attacks?"),
    ("news in july from Ghazni", NOW_KABUL, k(7, 1), k(7, 11), "July 2021", "news from Ghazni"),
    ("what happened in 2020?", NOW_KABUL, k(1, 1, y=2020), k(1, 1), "2020", "what happened?"),
    ("since June", NOW_KABUL, k(6, 1), NOW_KABUL, "since June 2021", ""),
    ("since 5 July", NOW_KABUL, k(7, 5), NOW_KABUL, "since 5 Jul 2021", ""),
    ("last month", NOW_KABUL, k(6, 1), k(7, 1), "last month", ""),
    ("this year", NOW_KABUL, k(1, 1), k(7, 11), "this year", ""),
    ("in December", NOW_KABUL, k(12, 1, y=2020), k(1, 1), "December 2020", ""),
    ("early July fighting", NOW_KABUL, k(7, 1), k(7, 11), "1 – 10 Jul 2021", "fighting"),
    (
        "Yesterday, what happened in Herat?",
        NOW_KABUL,
        k(7, 9),
        k(7, 10),
        "yesterday",
        "what happened in Herat?",
    ),
    # Berlin across the spring DST change: local midnights; hours are real hours
    ("today", NOW_BERLIN_DST, b(2021, 3, 28), b(2021, 3, 29), "today", ""),
    ("last 24 hours", NOW_BERLIN_DST, b(2021, 3, 27, 11), NOW_BERLIN_DST, "the last 24 hours", ""),
    ("this week", NOW_BERLIN_DST, b(2021, 3, 22), b(2021, 3, 29), "this week", ""),
    ("past 7 days", NOW_BERLIN_DST, b(2021, 3, 21, 12), NOW_BERLIN_DST, "the last 7 days", ""),
    # Berlin on the Monday after New Year
    ("in December", NOW_BERLIN_NY, b(2021, 12, 1), b(2022, 1, 1), "December 2021", ""),
    ("last week", NOW_BERLIN_NY, b(2021, 12, 27), b(2022, 1, 3), "last week", ""),
    ("since Monday", NOW_BERLIN_NY, b(2022, 1, 3), NOW_BERLIN_NY, "since Mon 3 Jan", ""),
    ("on Friday", NOW_BERLIN_NY, b(2021, 12, 31), b(2022, 1, 1), "Fri 31 Dec", ""),
    ("yesterday in Berlin", NOW_BERLIN_NY, b(2022, 1, 2), b(2022, 1, 3), "yesterday", "in Berlin"),
    ("last year", NOW_BERLIN_NY, b(2021, 1, 1), b(2022, 1, 1), "last year", ""),
    ("this year", NOW_BERLIN_NY, b(2022, 1, 1), b(2022, 1, 4), "this year", ""),
    ("on 31 Dec", NOW_BERLIN_NY, b(2021, 12, 31), b(2022, 1, 1), "31 Dec 2021", ""),
]


@pytest.mark.parametrize(("question", "now", "start", "end", "label", "rest"), WINDOW_CASES)
def test_find_window(
    question: str, now: datetime, start: datetime, end: datetime, label: str, rest: str
) -> None:
    window, remaining = find_window(question, now)
    assert window is not None
    assert (window.start, window.end, window.label) == (start, end, label)
    assert window.start.utcoffset() == start.utcoffset()  # expressed in the asker's zone
    assert remaining == rest


@pytest.mark.parametrize(
    "question",
    [
        "what about Kandahar?",
        "news in march",  # lowercase "march" is a verb
        "They march on Kabul",
        "may I ask about Herat",
        "Mayday calls from Kabul",
        "Markets on Sundays?",
        "top 5 attacks near Kabul",
        "How many of the 421 districts?",
        "",
        "🙂" * 50,
        "x" * 4000,
    ],
)
def test_find_window_none(question: str) -> None:
    assert find_window(question, NOW_KABUL) == (None, question)


def test_find_window_needs_aware_now() -> None:
    with pytest.raises(ValueError):
        find_window("today", datetime(2021, 7, 10, 9, 0))


# --- windows vs event dates --------------------------------------------------------------------

YESTERDAY = Window(k(7, 9), k(7, 10), "yesterday")


@pytest.mark.parametrize(
    ("first", "last", "inside"),
    [
        (d(2021, 7, 9), d(2021, 7, 9), True),
        (d(2021, 7, 8), d(2021, 7, 8), False),
        (d(2021, 7, 10), d(2021, 7, 10), False),  # end is exclusive
        (d(2021, 7, 5), d(2021, 7, 11), True),  # a week containing the day
        (d(2021, 4, 11), d(2021, 7, 9), True),  # "since mid-April"
        (d(2021, 6, 1), d(2021, 6, 30), False),
    ],
)
def test_window_contains_date_span(first: date, last: date, inside: bool) -> None:
    assert YESTERDAY.contains_date_span(first, last) is inside


def test_rolling_window_touches_partial_days() -> None:
    window, _ = find_window("last 24 hours", NOW_KABUL)
    assert window is not None
    assert window.contains_fuzzy(FuzzyDate.day(d(2021, 7, 9)))
    assert window.contains_fuzzy(FuzzyDate.day(d(2021, 7, 10)))
    assert not window.contains_fuzzy(FuzzyDate.day(d(2021, 7, 8)))


def test_question_window_matches_article_dates() -> None:
    window, _ = find_window("what happened since Monday?", NOW_KABUL)
    assert window is not None
    assert window.contains_fuzzy(event_date_in_text(SEED_CENTCOM, PUB) or FuzzyDate.year(1900))
    sunday = event_date_in_text(SEED_SUNDAY_TROOPS, PUB)
    assert sunday is not None and not window.contains_fuzzy(sunday)

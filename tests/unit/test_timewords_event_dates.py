"""Time words: event dates from article sentences."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain.questions.timetypes import FuzzyDate, Precision
from bot.domain.questions.timewords import event_date_in_text, find_window
from tests.support.timewords import (
    NEW_YEAR_PUB,
    NOW_KABUL,
    PUB,
    SEED_2001,
    SEED_BY_AUGUST,
    SEED_CENTCOM,
    SEED_FEBRUARY,
    SEED_FILE_PHOTO,
    SEED_MID_APRIL,
    SEED_NO_DATE,
    SEED_PAST_MONTHS,
    SEED_PAST_WEEK,
    SEED_PHOTO_TUESDAY,
    SEED_SUNDAY_DISTRICTS,
    SEED_SUNDAY_TROOPS,
    SEED_THURSDAY,
    D,
    M,
    W,
    Y,
    d,
)

EVENT_CASES: list[tuple[str, date, date, Precision, date | None]] = [
    # -- every seed sentence with a date word --
    (SEED_THURSDAY, PUB, d(2021, 7, 8), D, None),
    (SEED_PAST_WEEK, PUB, d(2021, 7, 3), W, d(2021, 7, 9)),
    (SEED_SUNDAY_TROOPS, PUB, d(2021, 7, 4), D, None),
    (SEED_PHOTO_TUESDAY, PUB, d(2021, 7, 6), D, None),
    (SEED_PAST_MONTHS, PUB, d(2021, 4, 9), M, d(2021, 7, 9)),
    (SEED_CENTCOM, PUB, d(2021, 7, 6), D, None),
    (SEED_SUNDAY_DISTRICTS, PUB, d(2021, 7, 4), D, None),
    (SEED_MID_APRIL, PUB, d(2021, 4, 11), M, d(2021, 7, 9)),
    # only date phrase sits in a relative clause: the fallback still returns it (documented)
    (SEED_2001, PUB, d(2001, 1, 1), Y, None),
    (SEED_FEBRUARY, PUB, d(2021, 2, 1), M, None),
    (SEED_FILE_PHOTO, PUB, d(2019, 2, 20), D, None),
    # -- weekdays: same weekday as published is the published day; "last" is a week back --
    ("Rockets hit Kabul on Friday.", PUB, d(2021, 7, 9), D, None),
    ("Rockets hit Kabul last Friday.", PUB, d(2021, 7, 2), D, None),
    ("On Thursday night, rockets hit Kabul.", PUB, d(2021, 7, 8), D, None),
    ("Saturday's attack killed five.", PUB, d(2021, 7, 3), D, None),
    # -- day words --
    ("The district fell yesterday.", PUB, d(2021, 7, 8), D, None),
    ("The district fell today.", PUB, d(2021, 7, 9), D, None),
    ("Shelling was heard last night.", PUB, d(2021, 7, 8), D, None),
    ("The day before yesterday, talks collapsed.", PUB, d(2021, 7, 7), D, None),
    ("Militants struck 3 days ago.", PUB, d(2021, 7, 6), D, None),
    ("Two weeks ago, militants struck.", PUB, d(2021, 6, 21), W, None),
    # -- explicit dates --
    ("Fighting broke out on 20 February 2019.", PUB, d(2019, 2, 20), D, None),
    ("Fighting broke out on July 8.", PUB, d(2021, 7, 8), D, None),
    ("Fighting broke out on 8 July.", PUB, d(2021, 7, 8), D, None),
    ("Fighting broke out on July 10.", PUB, d(2020, 7, 10), D, None),  # not after published
    ("Report dated 2021-07-08.", PUB, d(2021, 7, 8), D, None),
    # -- weeks, months, years --
    ("The Taliban advanced this week.", PUB, d(2021, 7, 5), W, None),
    ("The Taliban advanced last week.", PUB, d(2021, 6, 28), W, None),
    ("Districts fell over the past few days.", PUB, d(2021, 7, 3), W, d(2021, 7, 9)),
    ("Districts fell over the past two days.", PUB, d(2021, 7, 8), D, d(2021, 7, 9)),
    ("Clashes in the past 24 hours left 10 dead.", PUB, d(2021, 7, 8), D, d(2021, 7, 9)),
    ("Consulates closed earlier this month.", PUB, d(2021, 7, 1), M, None),
    ("Consulates closed last month.", PUB, d(2021, 6, 1), M, None),
    ("Consulates closed last year.", PUB, d(2020, 1, 1), Y, None),
    ("The town fell in 2019.", PUB, d(2019, 1, 1), Y, None),
    ("The town fell in March.", PUB, d(2021, 3, 1), M, None),
    ("The town fell in March 2020.", PUB, d(2020, 3, 1), M, None),
    ("The offensive began in late June.", PUB, d(2021, 6, 21), M, d(2021, 6, 30)),
    ("The offensive began in early July.", PUB, d(2021, 7, 1), M, d(2021, 7, 9)),
    ("Since June, the Taliban have advanced.", PUB, d(2021, 6, 1), M, d(2021, 7, 9)),
    ("The pass closed in late February.", d(2021, 2, 15), d(2020, 2, 21), M, d(2020, 2, 29)),
    # -- several phrases: main clause wins over a relative clause and future phrases --
    ("Officials said on Tuesday that troops will leave by August.", PUB, d(2021, 7, 6), D, None),
    (
        "The Taliban, who captured the town in 2019, retook it on Wednesday.",
        PUB,
        d(2021, 7, 7),
        D,
        None,
    ),
    (
        "The district fell on Thursday and talks are planned for next week.",
        PUB,
        d(2021, 7, 8),
        D,
        None,
    ),
    # -- year boundaries --
    ("A convoy was attacked in December.", NEW_YEAR_PUB, d(2021, 12, 1), M, None),
    ("A convoy was attacked last week.", NEW_YEAR_PUB, d(2021, 12, 27), W, None),
    ("A convoy was attacked on Friday.", NEW_YEAR_PUB, d(2021, 12, 31), D, None),
    ("A convoy was attacked on Dec. 31.", NEW_YEAR_PUB, d(2021, 12, 31), D, None),
    ("A convoy was attacked last year.", NEW_YEAR_PUB, d(2021, 1, 1), Y, None),
    ("A convoy was attacked yesterday.", d(2021, 1, 1), d(2020, 12, 31), D, None),
]


@pytest.mark.parametrize(("text", "published", "start", "precision", "end"), EVENT_CASES)
def test_event_date_in_text(
    text: str, published: date, start: date, precision: Precision, end: date | None
) -> None:
    got = event_date_in_text(text, published)
    assert got is not None
    assert (got.start, got.precision, got.end) == (start, precision, end)


@pytest.mark.parametrize(
    "text",
    [
        *SEED_NO_DATE,
        SEED_BY_AUGUST,  # a deadline, not an event date
        "The Taliban will attack on Monday.",
        "Troops will leave in August.",
        "Talks resume next week.",
        "A verdict is expected later this month.",
        "More fighting is feared in the coming days.",
        "Talks resume tomorrow.",
        "Fighting was reported on 15 August 2021.",  # after the published day
        "Elections are due in late July 2022.",
        "Troops march to the border.",  # "march" the verb
        "They may attack the city.",  # "may" the modal
        "Mayday calls were heard.",
        "Markets open on Sundays.",  # habitual, not a date
        "The 2019 election was disputed.",  # a year without "in"/"since" is not an event date
        "",
        "   ",
        "🇦🇫🔥" * 50,
        "x" * 4000,
    ],
)
def test_event_date_in_text_none(text: str) -> None:
    assert event_date_in_text(text, PUB) is None


def test_event_date_accepts_a_datetime_published() -> None:
    got = event_date_in_text(SEED_THURSDAY, datetime(2021, 7, 9, 15, 30))
    assert got == FuzzyDate.day(date(2021, 7, 8))


@pytest.mark.parametrize(
    "text",
    [
        "on 99 July",
        "February 30",
        "2021-13-45 and 0000-00-00",
        "\x00\x01 since since since",
        "in the past 999 years",
        "May May May March March 2021 " * 100,
        "🙂 Monday 🙂 " * 400,
    ],
)
def test_odd_text_never_raises(text: str) -> None:
    got = event_date_in_text(text, PUB)
    assert got is None or got.first_day() <= PUB
    window, rest = find_window(text, NOW_KABUL)
    assert isinstance(rest, str)
    assert window is None or window.start <= window.end


def test_event_dates_never_in_the_future() -> None:
    for text in ("on 15 August 2021", "in 2022", "next Monday", "by August", "tomorrow"):
        got = event_date_in_text(f"Something happens {text}.", PUB)
        assert got is None, text
    this_week = event_date_in_text("this week", PUB)
    assert this_week is not None and this_week.first_day() <= PUB  # starts in the past
    assert this_week.last_day() == PUB + timedelta(days=2)  # a week still covers its Sunday

"""Time words: event dates from article sentences, windows from questions, date fields."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.questions.timewords import (
    FuzzyDate,
    Precision,
    Window,
    event_date_in_text,
    find_window,
    parse_date_value,
)

D, W, M, Y = Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.YEAR
PUB = date(2021, 7, 9)  # the seed article: Friday 9 July 2021
NEW_YEAR_PUB = date(2022, 1, 3)  # a Monday just after a year boundary

# Seed article sentences (AP via Newsweek, published Friday 2021-07-09), copied verbatim.
SEED_THURSDAY = (
    "Afghan soldiers retreated into Iran on Thursday as the Taliban took control of a border "
    "crossing connecting the country with Afghanistan, the Associated Press reported."
)
SEED_PAST_WEEK = (
    "The seizure of the Islam Qala crossing is the third border crossing the Taliban has overrun "
    "in the past week alongside crossings connecting Afghanistan with Tajikistan and Uzbekistan."
)
SEED_SUNDAY_TROOPS = (
    "On Sunday, Afghan troops retreated into Tajikistan as the Taliban took control of the "
    "border area."
)
SEED_PHOTO_TUESDAY = (
    "In this photo, Afghan militia forces stand guard at an outpost as they patrol against the "
    "Taliban fighters in the Tange Farkhar area of Taloqan in northern Takhar province on Tuesday."
)
SEED_PAST_MONTHS = (
    "Afghanistan has seen a Taliban surge as the American and NATO pullout stepped up over the "
    "past few months."
)
SEED_CENTCOM = (
    "On Tuesday, the U.S. Central Command said 90 percent of the withdrawal of U.S. troops and "
    "equipment from Afghanistan is complete."
)
SEED_BY_AUGUST = "The U.S. says the last troops will be gone by August."
SEED_SUNDAY_DISTRICTS = (
    "On Sunday, the Taliban seized control of several districts from fleeing Afghan forces, "
    "several hundred of whom fled across the border into Tajikistan."
)
SEED_MID_APRIL = (
    "Since mid-April, when President Joe Biden announced the end to Afghanistan's \"forever "
    'war," the Taliban have made strides throughout the country.'
)
SEED_2001 = (
    "But their most significant gains have been in the north, a traditional stronghold of the "
    "U.S.-allied warlords who helped defeat the Taliban in 2001."
)
SEED_FEBRUARY = (
    "Islam Qala made headlines in February, when a massive fire erupted following an explosion "
    "of a fuel tanker."
)
SEED_FILE_PHOTO = (
    "In this Feb. 20, 2019 file photo, Afghans return to Afghanistan at the Islam Qala border "
    "with Iran, in the western Herat Province."
)
SEED_NO_DATE = (
    "It took firefighters from both countries three days to put out.",
    "At least 20 people were injured and hundreds of trucks lined up at the crossing carrying "
    "natural gas and fuel were engulfed in the blaze.",
    "The insurgent group also has taken control of about a third of the country's districts and "
    "district centers out of 421.",
    "The Islam Qala crossing is around 120 kilometers (75 miles) west of the city of Herat, the "
    "provincial capital.",
)


def d(y: int, m: int, dd: int) -> date:
    return date(y, m, dd)


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


# --- questions -------------------------------------------------------------------------------

KABUL = ZoneInfo("Asia/Kabul")  # +04:30
BERLIN = ZoneInfo("Europe/Berlin")
NOW_KABUL = datetime(2021, 7, 10, 9, 0, tzinfo=KABUL)  # Saturday
NOW_BERLIN_DST = datetime(2021, 3, 28, 12, 0, tzinfo=BERLIN)  # Sunday; clocks went forward at 2:00
NOW_BERLIN_NY = datetime(2022, 1, 3, 8, 0, tzinfo=BERLIN)  # Monday after New Year


def k(m: int, dd: int, h: int = 0, y: int = 2021) -> datetime:
    return datetime(y, m, dd, h, 0, tzinfo=KABUL)


def b(y: int, m: int, dd: int, h: int = 0) -> datetime:
    return datetime(y, m, dd, h, 0, tzinfo=BERLIN)


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


@pytest.mark.serial
def test_find_window_is_fast_without_time_words() -> None:
    question = "what is the situation around the Islam Qala crossing in Herat province?"
    find_window(question, NOW_KABUL)
    t0 = time.perf_counter()
    for _ in range(200):
        assert find_window(question, NOW_KABUL)[0] is None
    assert (time.perf_counter() - t0) / 200 < 0.002


@pytest.mark.serial
def test_find_window_is_fast_with_time_words() -> None:
    find_window("news on 8 July", NOW_KABUL)  # warm dateparser up
    t0 = time.perf_counter()
    for _ in range(50):
        assert find_window("what happened in Herat on 8 July?", NOW_KABUL)[0] is not None
    assert (time.perf_counter() - t0) / 50 < 0.01


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


# --- stand-alone date values (ACLED) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "default_year", "expected"),
    [
        ("2021-07-08", None, FuzzyDate.day(d(2021, 7, 8))),
        ("08 July 2021", None, FuzzyDate.day(d(2021, 7, 8))),
        ("8-Jul-21", None, FuzzyDate.day(d(2021, 7, 8))),
        ("08/07/2021", None, FuzzyDate.day(d(2021, 7, 8))),  # day first
        ("July 2021", None, FuzzyDate.month(2021, 7)),
        ("Jul 2021", None, FuzzyDate.month(2021, 7)),
        ("2021", None, FuzzyDate.year(2021)),
        (" 2021-07-08 ", None, FuzzyDate.day(d(2021, 7, 8))),
        ("8 July", 2021, FuzzyDate.day(d(2021, 7, 8))),
        ("8 July", None, None),  # no year and no default
        ("garbage", None, None),
        ("2021-02-30", None, None),
        ("30 February 2021", None, None),
        ("3 days ago", None, None),
        ("12", 2021, None),
        ("July", 2021, None),
        ("", None, None),
        ("🙂", None, None),
    ],
)
def test_parse_date_value(value: str, default_year: int | None, expected: FuzzyDate | None) -> None:
    assert parse_date_value(value, default_year=default_year) == expected


# --- FuzzyDate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fuzzy", "label", "first", "last"),
    [
        (FuzzyDate.day(d(2021, 7, 8)), "8 Jul 2021", d(2021, 7, 8), d(2021, 7, 8)),
        (FuzzyDate.week(d(2021, 7, 8)), "week of 5 Jul 2021", d(2021, 7, 5), d(2021, 7, 11)),
        (FuzzyDate(d(2021, 7, 8), W), "week of 5 Jul 2021", d(2021, 7, 5), d(2021, 7, 11)),
        (FuzzyDate.month(2021, 2), "Feb 2021", d(2021, 2, 1), d(2021, 2, 28)),
        (FuzzyDate.month(2020, 2), "Feb 2020", d(2020, 2, 1), d(2020, 2, 29)),
        (FuzzyDate.year(2021), "2021", d(2021, 1, 1), d(2021, 12, 31)),
        (
            FuzzyDate(d(2021, 4, 15), D, d(2021, 7, 9)),
            "15 Apr – 9 Jul 2021",
            d(2021, 4, 15),
            d(2021, 7, 9),
        ),
        (
            FuzzyDate(d(2021, 7, 3), W, d(2021, 7, 9)),
            "3 – 9 Jul 2021",
            d(2021, 7, 3),
            d(2021, 7, 9),
        ),
        (
            FuzzyDate(d(2021, 12, 27), D, d(2022, 1, 2)),
            "27 Dec 2021 – 2 Jan 2022",
            d(2021, 12, 27),
            d(2022, 1, 2),
        ),
    ],
)
def test_fuzzy_date_label_and_span(fuzzy: FuzzyDate, label: str, first: date, last: date) -> None:
    assert fuzzy.label() == label
    assert (fuzzy.first_day(), fuzzy.last_day()) == (first, last)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (FuzzyDate.day(d(2021, 7, 8)), FuzzyDate.week(d(2021, 7, 5)), True),
        (FuzzyDate.day(d(2021, 7, 4)), FuzzyDate.week(d(2021, 7, 5)), False),
        (FuzzyDate.month(2021, 2), FuzzyDate.year(2021), True),
        (FuzzyDate.month(2021, 2), FuzzyDate.month(2021, 3), False),
        (FuzzyDate(d(2021, 4, 11), M, d(2021, 7, 9)), FuzzyDate.day(d(2021, 7, 9)), True),
        (FuzzyDate(d(2021, 4, 11), M, d(2021, 7, 9)), FuzzyDate.day(d(2021, 4, 10)), False),
        (FuzzyDate.year(2020), FuzzyDate.week(d(2020, 12, 31)), True),  # week runs into 2021
    ],
)
def test_fuzzy_date_overlaps(a: FuzzyDate, b: FuzzyDate, overlap: bool) -> None:
    assert a.overlaps(b) is overlap
    assert b.overlaps(a) is overlap


def test_fuzzy_date_rejects_backwards_range() -> None:
    with pytest.raises(ValueError):
        FuzzyDate(d(2021, 7, 9), D, d(2021, 7, 8))


def test_event_dates_never_in_the_future() -> None:
    for text in ("on 15 August 2021", "in 2022", "next Monday", "by August", "tomorrow"):
        got = event_date_in_text(f"Something happens {text}.", PUB)
        assert got is None, text
    this_week = event_date_in_text("this week", PUB)
    assert this_week is not None and this_week.first_day() <= PUB  # starts in the past
    assert this_week.last_day() == PUB + timedelta(days=2)  # a week still covers its Sunday


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8 Jul 2021", date(2021, 7, 8)),
        ("08-Jul-2021", date(2021, 7, 8)),
        ("30 Sept 2021", date(2021, 9, 30)),
        ("1 December 2020", date(2020, 12, 1)),
        ("29 February 2021", None),
        ("8 Foo 2021", None),
    ],
)
def test_acled_day_month_year_fast_path(value: str, expected: date | None) -> None:
    result = parse_date_value(value)
    if expected is None:
        assert result is None
    else:
        assert result is not None
        assert (result.start, result.precision) == (expected, Precision.DAY)

"""Time words: stand-alone date values (ACLED) and FuzzyDate."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.questions.datevalue import parse_date_value
from bot.domain.questions.timetypes import FuzzyDate, Precision
from tests.support.timewords import D, M, W, d

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

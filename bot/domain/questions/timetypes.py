"""Value types for Sitrep's time words: fuzzy event dates and question time windows."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

MONTH_ABBR = (
    "",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
MONTH_FULL = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Precision(StrEnum):
    """How precisely a date is known."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


def monday_of(d: date) -> date:
    """The Monday starting the week (weeks start Monday) that contains `d`."""
    return d - timedelta(days=d.weekday())


def month_last_day(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int) -> date:
    """`d` moved by whole months, the day clipped to the target month's length."""
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last))


def day_label(d: date) -> str:
    """`8 Jul 2021`."""
    return f"{d.day} {MONTH_ABBR[d.month]} {d.year}"


def weekday_label(d: date) -> str:
    """`Mon 5 Jul`."""
    return f"{WEEKDAY_ABBR[d.weekday()]} {d.day} {MONTH_ABBR[d.month]}"


def range_label(first: date, last: date) -> str:
    """`15 Apr – 9 Jul 2021`, `3 – 9 Jul 2021`, or `27 Dec 2021 – 2 Jan 2022`."""
    if first == last:
        return day_label(first)
    if first.year != last.year:
        return f"{day_label(first)} – {day_label(last)}"
    if first.month != last.month:
        return f"{first.day} {MONTH_ABBR[first.month]} – {day_label(last)}"
    return f"{first.day} – {day_label(last)}"


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date known to some precision, or an explicit inclusive range of days (`end` set)."""

    start: date
    precision: Precision
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"FuzzyDate end {self.end} is before start {self.start}")

    @classmethod
    def day(cls, d: date) -> FuzzyDate:
        """A single day."""
        return cls(d, Precision.DAY)

    @classmethod
    def week(cls, d: date) -> FuzzyDate:
        """The Monday-to-Sunday week containing `d`."""
        return cls(monday_of(d), Precision.WEEK)

    @classmethod
    def month(cls, year: int, month: int) -> FuzzyDate:
        """A whole month."""
        return cls(date(year, month, 1), Precision.MONTH)

    @classmethod
    def year(cls, year: int) -> FuzzyDate:
        """A whole year."""
        return cls(date(year, 1, 1), Precision.YEAR)

    def first_day(self) -> date:
        """The first day covered."""
        if self.end is not None:
            return self.start
        match self.precision:
            case Precision.DAY:
                return self.start
            case Precision.WEEK:
                return monday_of(self.start)
            case Precision.MONTH:
                return self.start.replace(day=1)
            case _:
                return date(self.start.year, 1, 1)

    def last_day(self) -> date:
        """The last day covered (inclusive)."""
        if self.end is not None:
            return self.end
        match self.precision:
            case Precision.DAY:
                return self.start
            case Precision.WEEK:
                return monday_of(self.start) + timedelta(days=6)
            case Precision.MONTH:
                return month_last_day(self.start.year, self.start.month)
            case _:
                return date(self.start.year, 12, 31)

    def label(self) -> str:
        """Human text: `8 Jul 2021`, `week of 5 Jul 2021`, `Feb 2021`, `2021`, `3 – 9 Jul 2021`."""
        if self.end is not None:
            return range_label(self.start, self.end)
        first = self.first_day()
        match self.precision:
            case Precision.DAY:
                return day_label(first)
            case Precision.WEEK:
                return f"week of {day_label(first)}"
            case Precision.MONTH:
                return f"{MONTH_ABBR[first.month]} {first.year}"
            case _:
                return str(first.year)

    def overlaps(self, other: FuzzyDate) -> bool:
        """True when the two spans share at least one day."""
        return self.first_day() <= other.last_day() and other.first_day() <= self.last_day()


def local_midnight(d: date, tz: tzinfo | None) -> datetime:
    """00:00 on day `d` in zone `tz`."""
    return datetime.combine(d, time(0), tzinfo=tz)


@dataclass(frozen=True, slots=True)
class Window:
    """A time window a question asks about: [start, end) in the asker's zone, with a label."""

    start: datetime
    end: datetime
    label: str

    def first_date(self) -> date:
        """The first local calendar day the window touches."""
        return self.start.date()

    def last_date(self) -> date:
        """The last local calendar day the window touches (end is exclusive)."""
        return (self.end - timedelta(microseconds=1)).astimezone(self.start.tzinfo).date()

    def contains_date_span(self, first: date, last: date) -> bool:
        """True when an event dated [first, last] (inclusive days) overlaps the window."""
        if self.end <= self.start:
            return False
        return first <= self.last_date() and last >= self.first_date()

    def contains_fuzzy(self, when: FuzzyDate) -> bool:
        """True when a FuzzyDate's span overlaps the window."""
        return self.contains_date_span(when.first_day(), when.last_day())

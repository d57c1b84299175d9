"""Time ranges in questions that the single-phrase time words do not cover.

"1 to 10 July", "8–9 July", "July 8-9", "from 1 July to 10 July", "between Monday and Wednesday",
"in Q3" / "Q2 2021" / "third quarter", and "since the fall of Kabul" (the date of a stored event,
looked up when answering). Each end of "from X to Y" / "between X and Y" is read by
``find_window``, so every form it knows (weekdays, dates, months, other languages) works here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.questions.timetypes import (
    MONTH_FULL,
    Window,
    local_midnight,
    month_last_day,
    range_label,
)
from bot.domain.questions.timewords import find_window

_MONTHS = (
    {m.lower(): i for i, m in enumerate(MONTH_FULL) if m}
    | {m.lower()[:3]: i for i, m in enumerate(MONTH_FULL) if m}
    | {"sept": 9}
)
_MONTH = r"(?P<{}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DASH = r"\s*(?:-|–|—|to|till|until|through|thru|and)\s*"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_DAY_FIRST = re.compile(
    r"\b(?:from\s+|between\s+)?(?P<d1>\d{1,2})"
    + _ORD
    + r"(?:\s+"
    + _MONTH.format("m1")
    + r")?"
    + _DASH
    + r"(?P<d2>\d{1,2})"
    + _ORD
    + r"\s+(?:of\s+)?"
    + _MONTH.format("m2")
    + _YEAR
    + r"\b",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    r"\b(?:from\s+|between\s+)?"
    + _MONTH.format("m1")
    + r"\s+(?P<d1>\d{1,2})"
    + _ORD
    + _DASH
    + r"(?:"
    + _MONTH.format("m2")
    + r"\s+)?(?P<d2>\d{1,2})"
    + _ORD
    + r"\b"
    + _YEAR,
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"\b(?:from|between)\s+(?P<a>[\w.,' -]{2,30}?)\s+(?:to|and|until|till|through)\s+"
    r"(?P<b>[\w.,' -]{2,30}?)(?=$|[?!.;]|\s+(?:in|at|near|around|for)\b)",
    re.IGNORECASE,
)
_QUARTER_WORDS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "last": 4,
}
_QUARTER = re.compile(
    r"\b(?:in\s+|during\s+|for\s+)?(?:the\s+)?(?:q(?P<q>[1-4])|(?P<qw>first|1st|second|2nd|third"
    r"|3rd|fourth|4th)\s+quarter)(?:\s+(?:of\s+)?(?P<year>\d{4}))?\b",
    re.IGNORECASE,
)
_SINCE_EVENT = re.compile(
    r"\b(?:since|after)\s+(?:the\s+)?(?:fall|capture|takeover|seizure|collapse|loss)\s+of\s+"
    r"(?P<name>[^?!.,;]{2,60}?)\s*(?=$|[?!.,;]|\s+(?:in|at|and|what|how|did|were|was)\b)"
    r"|\b(?:since|after)\s+(?P<name2>[A-Z][\w' -]{1,40}?)\s+(?:fell|was (?:taken|captured|seized))"
    r"\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Ranged:
    """A range found in a question (or a stored event to start from) and the rest of it."""

    window: Window | None
    rest: str
    since_fall_of: str = ""  # "since the fall of Kabul": the place whose fall starts the window


def _cut(text: str, start: int, end: int) -> str:
    return " ".join((text[:start] + " " + text[end:]).split())


def _recent_year(month: int, day: int, now: datetime, year: str | None) -> int:
    """The given year, else the most recent year in which that day is not after today."""
    if year:
        return int(year)
    y = now.year
    return y if (month, day) <= (now.month, now.day) else y - 1


def window_of_days(first: date, last: date, now: datetime) -> Window:
    """A window of whole days [first, last] in now's zone (ending at now when it covers today)."""
    tz = now.tzinfo
    start = local_midnight(first, tz)
    end = local_midnight(last + timedelta(days=1), tz)
    if start <= now < end:
        end = min(end, local_midnight(now.date() + timedelta(days=1), tz))
    return Window(start, end, range_label(first, last))


def _days(m: re.Match[str], now: datetime) -> Window | None:
    m2 = _MONTHS[m.group("m2").lower()] if m.group("m2") else None
    m1 = _MONTHS[m.group("m1").lower()] if m.group("m1") else m2
    m2 = m2 or m1
    if m1 is None or m2 is None:
        return None
    d1, d2 = int(m.group("d1")), int(m.group("d2"))
    y2 = _recent_year(m2, d2, now, m.group("year"))
    y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
    try:
        first, last = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None
    return window_of_days(first, last, now) if first <= last else None


def _quarter(m: re.Match[str], now: datetime) -> Window:
    q = int(m.group("q")) if m.group("q") else _QUARTER_WORDS[m.group("qw").lower()]
    year = int(m.group("year")) if m.group("year") else now.year
    if not m.group("year") and date(year, 3 * q - 2, 1) > now.date():
        year -= 1
    first = date(year, 3 * q - 2, 1)
    last = month_last_day(year, 3 * q)
    window = window_of_days(first, last, now)
    return Window(window.start, window.end, f"Q{q} {year}")


def _between(m: re.Match[str], now: datetime) -> Window | None:
    a, rest_a = find_window(m.group("a"), now)
    b, rest_b = find_window(m.group("b"), now)
    if a is None or b is None or rest_a.strip(" ,") or rest_b.strip(" ,"):
        return None
    if b.end <= a.start:
        return None
    label = range_label(a.first_date(), b.last_date())
    return Window(a.start, max(b.end, a.end), label)


def find_range(text: str, now: datetime) -> Ranged:
    """A range the question asks about, if it names one; else no window and the text as is."""
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        m = pattern.search(text)
        if m is not None:
            window = _days(m, now)
            if window is not None:
                return Ranged(window, _cut(text, m.start(), m.end()))
    m = _QUARTER.search(text)
    if m is not None:
        return Ranged(_quarter(m, now), _cut(text, m.start(), m.end()))
    m = _SINCE_EVENT.search(text)
    if m is not None:
        name = (m.group("name") or m.group("name2") or "").strip()
        return Ranged(None, _cut(text, m.start(), m.end()), since_fall_of=name)
    for m in _BETWEEN.finditer(text):
        window = _between(m, now)
        if window is not None:
            return Ranged(window, _cut(text, m.start(), m.end()))
    return Ranged(None, text)

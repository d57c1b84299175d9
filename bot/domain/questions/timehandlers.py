"""What each time phrase shape means: handlers from a regex match and a reference day to an Expr.

Each handler takes (match, reference day, question mode) and returns an ``Expr`` or None.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.questions.timetypes import (
    FuzzyDate,
    Precision,
    add_months,
    month_last_day,
)
from bot.domain.questions.timevocab import (
    MONTHS,
    SAFE_MONTHS,
    SINCE_OR_BY,
    VAGUE_NUMBERS,
    WEEKDAYS,
    month_num,
    month_token_ok,
    number,
    recent_month,
)

log = logging.getLogger(__name__)

_MONTH_CONTEXT = re.compile(
    r"\b(?:in|since|during|until|till|from|of|by|early|mid|late|last|this|next|through|before"
    r"|after|between|and|to)[\s-]+$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Expr:
    """What one time phrase means relative to a reference day."""

    kind: str  # label hint: today, yesterday, this_week, rolling, month, date, weekday, ...
    when: FuzzyDate | None  # calendar span; None for rolling spans
    rolling: timedelta | None = None  # "the past 24 hours": a span ending now
    rolling_label: str = ""
    future: bool = False
    bare: bool = False  # bare weekday/month: future after "will" ("will leave in August")
    since: bool = False
    deadline: bool = False  # "by August"


@dataclass(frozen=True, slots=True)
class Spot:
    """A time phrase found at text[start:end]."""

    start: int
    end: int
    expr: Expr


Handler = Callable[[re.Match[str], date, bool], Expr | None]


def _dp_point(text: str, ref: date) -> date | None:
    """dateparser on an already-spotted date phrase; the most recent match not after `ref`."""
    import dateparser  # slow to import: only on a date phrase

    settings = {
        "RELATIVE_BASE": datetime.combine(ref, time(12)),
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser raises odd errors on odd input
        log.debug("dateparser failed on %r", text, exc_info=True)
        return None
    return found.date() if found is not None else None


def _day_of(m: re.Match[str], year: int) -> date | None:
    """The day a "<day> <month>" or "<month> <day>" match names in `year`, read directly (what
    dateparser reads, without its cost); None when the month or day does not read plainly."""
    month = MONTHS.get((m["mon1"] or m["mon2"] or "").lower().rstrip("."))
    day = m["d1"] or m["d2"]
    if month is None or not day or (month, int(day)) == (2, 29):
        return None  # 29 February: dateparser decides which leap year
    try:
        return date(year, month, int(day))
    except ValueError:
        return None  # 29 February, 31 June: dateparser decides


def iso_date(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """An ISO date, "2021-07-08"."""
    try:
        d = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    return Expr("date", FuzzyDate.day(d))


def date_with_year(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """A day with its year, "8 July 2021" or "Feb. 20, 2019"."""
    if not month_token_ok(m["mon1"] or m["mon2"], True):
        return None
    d = _day_of(m, int(m["y"])) or _dp_point(m[0], ref)
    return Expr("date", FuzzyDate.day(d)) if d is not None else None


def date_no_year(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """A day without a year ("8 July"): the most recent one not after the day."""
    if not month_token_ok(m["mon1"] or m["mon2"], True):
        return None
    d = _day_of(m, ref.year) or _dp_point(m[0], ref)
    if d is None:
        return None
    if d > ref:  # dateparser's "past" preference works on instants; keep days not after ref
        try:
            d = d.replace(year=d.year - 1)
        except ValueError:  # 29 Feb
            return None
    return Expr("date", FuzzyDate.day(d), bare=True)


def month_year(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """A month with its year, "July 2021"."""
    if not month_token_ok(m["mon"], True):
        return None
    return Expr("month", FuzzyDate.month(int(m["y"]), month_num(m["mon"])))


def part_of_month(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """Phrases like "early", "mid" or "late" July, or the start/middle/end of a month."""
    if not month_token_ok(m["mon"], True):
        return None
    month = month_num(m["mon"])
    part = m["part"].lower()
    if m["y"]:
        first, last = _month_part(part, int(m["y"]), month)
    else:
        first, last = _month_part(part, recent_month(month, ref), month)
        if first > ref:  # "late July" on 9 July: the most recent one that has begun
            first, last = _month_part(part, first.year - 1, month)
    if first > ref:
        return Expr("part", FuzzyDate(first, Precision.MONTH, last), future=True)
    return Expr("part", FuzzyDate(first, Precision.MONTH, min(last, ref)))


def _month_part(part: str, year: int, month: int) -> tuple[date, date]:
    """Days 1–10 ("early"), 11–20 ("mid"), or 21–end ("late") of a month."""
    if part.startswith(("early", "the start", "the beginning")):
        return date(year, month, 1), date(year, month, 10)
    if part.startswith(("mid", "the middle")):
        return date(year, month, 11), date(year, month, 20)
    return date(year, month, 21), month_last_day(year, month)


def relative_day(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """Phrases like "yesterday", "today", "tomorrow", "last night", "this morning", ..."""
    word = re.sub(r"\s+", " ", m[0].lower())
    if word == "the day before yesterday":
        return Expr("date", FuzzyDate.day(ref - timedelta(days=2)))
    if word in ("yesterday", "last night"):
        return Expr(
            "yesterday" if word == "yesterday" else "last_night",
            FuzzyDate.day(ref - timedelta(days=1)),
        )
    if word == "tomorrow":
        return Expr("tomorrow", FuzzyDate.day(ref + timedelta(days=1)), future=True)
    if word == "the day after tomorrow":
        return Expr("date", FuzzyDate.day(ref + timedelta(days=2)), future=True)
    return Expr("today", FuzzyDate.day(ref))  # today, tonight, this morning/afternoon/evening


def weekday(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """A weekday, optionally "last"/"next"/"this": the nearest such day."""
    target = WEEKDAYS.index(m["wd"].lower())
    mod = (m["mod"] or "").lower()
    if mod in ("next", "coming"):
        ahead = (target - ref.weekday()) % 7 or 7
        return Expr("weekday", FuzzyDate.day(ref + timedelta(days=ahead)), future=True)
    back = (ref.weekday() - target) % 7
    if mod in ("last", "past", "previous") and back == 0:
        back = 7  # "last Friday" said on a Friday is a week ago
    return Expr("weekday", FuzzyDate.day(ref - timedelta(days=back)), bare=not mod)


def ago(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """Phrases like "3 days ago", "a few weeks ago", "two months ago", "a year ago"."""
    n = number(m["n"])
    unit = m["unit"].lower()
    if unit == "day":
        vague = re.sub(r"\s+", " ", m["n"].lower()) in VAGUE_NUMBERS
        d = ref - timedelta(days=n)
        return Expr("ago", FuzzyDate.week(d) if vague else FuzzyDate.day(d))
    if unit == "week":
        return Expr("ago", FuzzyDate.week(ref - timedelta(weeks=n)))
    if unit == "month":
        shifted = add_months(ref, -n)
        return Expr("ago", FuzzyDate.month(shifted.year, shifted.month))
    return Expr("ago", FuzzyDate.year(ref.year - n))


_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}


def rolling(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """Phrases like "the past 3 days" or "the coming week": a span up to or from now."""
    kw = m["kw"].lower()
    unit = m["unit"].lower()
    raw_n = re.sub(r"\s+", " ", m["n"].lower()) if m["n"] else ""
    if _not_rolling(m, kw, unit, raw_n):
        return None
    n = number(raw_n) if raw_n else (3 if kw == "recent" else 1)
    if unit == "day" and (raw_n in VAGUE_NUMBERS or kw == "recent"):
        unit, n = "week", 1
    span_days, delta, label = _rolling_span(n, unit)
    precision, first = _rolling_start(ref, n, unit, span_days)
    if kw in ("coming", "next"):
        when = FuzzyDate(ref, precision, ref + timedelta(days=span_days))
        return Expr("rolling", when, future=True)
    return Expr("rolling", FuzzyDate(first, precision, ref), rolling=delta, rolling_label=label)


def _not_rolling(m: re.Match[str], kw: str, unit: str, raw_n: str) -> bool:
    """True for calendar units ("last week") and non-phrases ("recent day", "recent 3 days")."""
    if not raw_n and not m["the"] and kw in ("last", "previous", "next") and unit != "hour":
        return True  # "last week" / "next week" are calendar weeks: see calendar
    return kw == "recent" and (bool(raw_n) or not m[0].lower().endswith("s"))


def _rolling_span(n: int, unit: str) -> tuple[int, timedelta, str]:
    """Days a rolling span touches, its exact length, and its label."""
    if unit == "hour":
        label = "the last hour" if n == 1 else f"the last {n} hours"
        return max(1, math.ceil(n / 24)), timedelta(hours=n), label
    span_days = n * _UNIT_DAYS[unit]
    return span_days, timedelta(days=span_days), _rolling_label(n, unit)


def _rolling_start(ref: date, n: int, unit: str, span_days: int) -> tuple[Precision, date]:
    """The precision of a rolling span and its first day when it ends on ``ref``."""
    if unit in ("hour", "day"):
        return Precision.DAY, ref - timedelta(days=span_days if unit == "hour" else span_days - 1)
    if unit in ("week", "fortnight"):
        return Precision.WEEK, ref - timedelta(days=span_days - 1)
    if unit == "month":
        return Precision.MONTH, add_months(ref, -n)
    return Precision.YEAR, add_months(ref, -12 * n)


def _rolling_label(n: int, unit: str) -> str:
    if unit == "week" and n == 1:
        return "the last 7 days"
    if unit == "day" and n == 1:
        return "the last 24 hours"
    if unit == "fortnight" and n == 1:
        return "the last 14 days"
    return f"the last {unit}" if n == 1 else f"the last {n} {unit}s"


def calendar(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """Phrases like "this week", "last month", "next year": calendar units."""
    pre = (m["pre"] or "").lower()
    kw = re.sub(r"\s+", " ", m["kw"].lower())
    unit = m["unit"].lower()
    step = {"this": 0, "last": -1, "previous": -1, "next": 1, "the coming": 1}[kw]
    future = step > 0 or pre == "later"
    if unit == "week":
        when = FuzzyDate.week(ref + timedelta(weeks=step))
    elif unit == "month":
        shifted = add_months(ref.replace(day=1), step)
        when = FuzzyDate.month(shifted.year, shifted.month)
    else:
        when = FuzzyDate.year(ref.year + step)
    kind = f"{'this' if step == 0 else 'last' if step < 0 else 'next'}_{unit}"
    return Expr(kind, when, future=future)


def year_alone(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """A year ("in 2019"; in articles only with a preposition or "since"/"by")."""
    if not q and not m["prep"] and SINCE_OR_BY.search(m.string, 0, m.start()) is None:
        return None  # "the 2019 election": in articles only dated when introduced ("in 2019")
    year = int(m["y"])
    return Expr("year", FuzzyDate.year(year), future=year > ref.year)


def recently(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """Phrases like "recently", "lately": the past week, in questions only."""
    if not q:
        return None
    return Expr(
        "rolling",
        FuzzyDate(ref - timedelta(days=6), Precision.WEEK, ref),
        rolling=timedelta(days=7),
        rolling_label="the last 7 days",
    )


def bare_month(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    """A month name alone ("in August"): the most recent such month."""
    token = m["mon"]
    before = m.string[: m.start()]
    word = token.lower().rstrip(".")
    if word in SAFE_MONTHS and (q or token[0].isupper()):
        ok = True
    else:
        ok = token[0].isupper() and _MONTH_CONTEXT.search(before) is not None
    if not ok:
        return None
    month = month_num(token)
    return Expr("month", FuzzyDate.month(recent_month(month, ref), month), bare=True)

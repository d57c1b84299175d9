"""Phrase spotting for time words: find date phrases in text and resolve them against a day.

dateparser does the point parsing of explicit calendar dates ("Feb. 20, 2019", "8 July");
this module spots the phrase shapes with regexes and adds the range layer dateparser lacks
("this week", "in February", "since mid-April", "the past 3 days").
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import dateparser
from dateparser.date import DateDataParser

from bot.domain.questions.timetypes import (
    FuzzyDate,
    Precision,
    add_months,
    month_last_day,
)

log = logging.getLogger(__name__)

MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Full month names that are never ordinary English words ("may" and "march" are).
SAFE_MONTHS = frozenset(
    [
        "january",
        "february",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "couple": 2, "couple of": 2, "a couple": 2, "a couple of": 2,
    "few": 3, "a few": 3, "several": 3,
}  # fmt: skip
VAGUE_NUMBERS = frozenset(("few", "a few", "several"))
# "the past few days" / "in recent days" is loose news usage: treated as the past week.
VAGUE_DAYS = 7

_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept(?:ember)?|sep|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
_NUM = (
    r"(?:\d{1,3}|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|several|an?|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_ORD = r"(?:st|nd|rd|th)?"

# Any word that could start a time phrase; text without one skips all the work below.
TRIGGER = re.compile(
    rf"\d|\b(?:{_MON}|{_WD}|today|tonight|yesterday|tomorrow|week|weeks|month|months|year|years"
    r"|days|day|hours|hour|fortnight|ago|night|morning|afternoon|evening|recently|lately|late)",
    re.IGNORECASE,
)
_FUTURE_AUX = re.compile(
    r"\b(?:will|shall|won't|going\s+to|plans?\s+to|planned\s+to|expected\s+to|scheduled\s+to"
    r"|set\s+to|due\s+to\s+be)\b|\w'll\b",
    re.IGNORECASE,
)
_SINCE_OR_BY = re.compile(r"\b(since|by)\s+(?:the\s+end\s+of\s+)?$", re.IGNORECASE)
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


def _month_num(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


def _month_token_ok(token: str, in_date_context: bool) -> bool:
    """'may'/'march' (and lowercase abbreviations) only count as months when written as such."""
    word = token.lower().rstrip(".")
    if word in ("may", "mar"):
        return token[0].isupper()
    return in_date_context or word in SAFE_MONTHS or token[0].isupper()


def _recent_month(month: int, ref: date) -> int:
    """The year of the most recent `month` not after `ref`."""
    return ref.year if month <= ref.month else ref.year - 1


def _number(word: str) -> int:
    word = re.sub(r"\s+", " ", word.lower())
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


# --- handlers: (match, reference day, question mode) -> Expr | None -----------------------------


def _iso(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    try:
        d = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    return Expr("date", FuzzyDate.day(d))


def _date_with_year(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    if not _month_token_ok(m["mon1"] or m["mon2"], True):
        return None
    d = _dp_point(m[0], ref)
    return Expr("date", FuzzyDate.day(d)) if d is not None else None


def _date_no_year(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    if not _month_token_ok(m["mon1"] or m["mon2"], True):
        return None
    d = _dp_point(m[0], ref)
    if d is None:
        return None
    if d > ref:  # dateparser's "past" preference works on instants; keep days not after ref
        try:
            d = d.replace(year=d.year - 1)
        except ValueError:  # 29 Feb
            return None
    return Expr("date", FuzzyDate.day(d), bare=True)


def _month_year(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    if not _month_token_ok(m["mon"], True):
        return None
    return Expr("month", FuzzyDate.month(int(m["y"]), _month_num(m["mon"])))


def _part_of_month(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    if not _month_token_ok(m["mon"], True):
        return None
    month = _month_num(m["mon"])
    part = m["part"].lower()
    if m["y"]:
        first, last = _month_part(part, int(m["y"]), month)
    else:
        first, last = _month_part(part, _recent_month(month, ref), month)
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


def _relative_day(m: re.Match[str], ref: date, q: bool) -> Expr | None:
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


def _weekday(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    target = WEEKDAYS.index(m["wd"].lower())
    mod = (m["mod"] or "").lower()
    if mod in ("next", "coming"):
        ahead = (target - ref.weekday()) % 7 or 7
        return Expr("weekday", FuzzyDate.day(ref + timedelta(days=ahead)), future=True)
    back = (ref.weekday() - target) % 7
    if mod in ("last", "past", "previous") and back == 0:
        back = 7  # "last Friday" said on a Friday is a week ago
    return Expr("weekday", FuzzyDate.day(ref - timedelta(days=back)), bare=not mod)


def _ago(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    n = _number(m["n"])
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


def _rolling(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    kw = m["kw"].lower()
    unit = m["unit"].lower()
    raw_n = re.sub(r"\s+", " ", m["n"].lower()) if m["n"] else ""
    if not raw_n and not m["the"] and kw in ("last", "previous", "next") and unit != "hour":
        return None  # "last week" / "next week" are calendar weeks: see _calendar
    if kw == "recent" and (raw_n or not m[0].lower().endswith("s")):
        return None  # "recent day" is not a phrase; "recent 3 days" neither
    n = _number(raw_n) if raw_n else (3 if kw == "recent" else 1)
    if unit == "day" and (raw_n in VAGUE_NUMBERS or kw == "recent"):
        unit, n = "week", 1
    future = kw in ("coming", "next")
    if unit == "hour":
        span_days = max(1, math.ceil(n / 24))
        delta = timedelta(hours=n)
        label = "the last hour" if n == 1 else f"the last {n} hours"
    else:
        span_days = n * _UNIT_DAYS[unit]
        delta = timedelta(days=span_days)
        label = _rolling_label(n, unit)
    if unit in ("hour", "day"):
        precision = Precision.DAY
        first = ref - timedelta(days=span_days if unit == "hour" else span_days - 1)
    elif unit in ("week", "fortnight"):
        precision, first = Precision.WEEK, ref - timedelta(days=span_days - 1)
    elif unit == "month":
        precision, first = Precision.MONTH, add_months(ref, -n)
    else:
        precision, first = Precision.YEAR, add_months(ref, -12 * n)
    if future:
        when = FuzzyDate(ref, precision, ref + timedelta(days=span_days))
        return Expr("rolling", when, future=True)
    return Expr("rolling", FuzzyDate(first, precision, ref), rolling=delta, rolling_label=label)


def _rolling_label(n: int, unit: str) -> str:
    if unit == "week" and n == 1:
        return "the last 7 days"
    if unit == "day" and n == 1:
        return "the last 24 hours"
    if unit == "fortnight" and n == 1:
        return "the last 14 days"
    return f"the last {unit}" if n == 1 else f"the last {n} {unit}s"


def _calendar(m: re.Match[str], ref: date, q: bool) -> Expr | None:
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


def _year(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    if not q and not m["prep"] and _SINCE_OR_BY.search(m.string, 0, m.start()) is None:
        return None  # "the 2019 election": in articles only dated when introduced ("in 2019")
    year = int(m["y"])
    return Expr("year", FuzzyDate.year(year), future=year > ref.year)


def _recently(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    if not q:
        return None
    return Expr(
        "rolling",
        FuzzyDate(ref - timedelta(days=6), Precision.WEEK, ref),
        rolling=timedelta(days=7),
        rolling_label="the last 7 days",
    )


def _bare_month(m: re.Match[str], ref: date, q: bool) -> Expr | None:
    token = m["mon"]
    before = m.string[: m.start()]
    word = token.lower().rstrip(".")
    if word in SAFE_MONTHS and (q or token[0].isupper()):
        ok = True
    else:
        ok = token[0].isupper() and _MONTH_CONTEXT.search(before) is not None
    if not ok:
        return None
    month = _month_num(token)
    return Expr("month", FuzzyDate.month(_recent_month(month, ref), month), bare=True)


def _mon(name: str) -> str:
    return rf"(?P<{name}>{_MON}\.?)"


_PATTERNS: tuple[tuple[re.Pattern[str], Handler], ...] = tuple(
    (re.compile(rx, re.IGNORECASE), handler)
    for rx, handler in (
        (r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b", _iso),
        (
            rf"\b(?:(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_mon('mon1')}"
            rf"|{_mon('mon2')}\s+(?P<d2>\d{{1,2}}){_ORD}\b)\s*,?\s+(?P<y>\d{{4}})\b",
            _date_with_year,
        ),
        (
            rf"\b(?P<part>early|mid|late|the\s+(?:start|beginning|middle|end)\s+of)[\s-]+"
            rf"{_mon('mon')}(?:,?\s+(?P<y>\d{{4}})\b)?",
            _part_of_month,
        ),
        (rf"\b{_mon('mon')},?\s+(?P<y>\d{{4}})\b", _month_year),
        (
            rf"\b(?:(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_mon('mon1')}"
            rf"|{_mon('mon2')}\s+(?P<d2>\d{{1,2}}){_ORD}\b)",
            _date_no_year,
        ),
        (
            r"\b(?:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today"
            r"|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b",
            _relative_day,
        ),
        (
            rf"\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\s+ago\b",
            _ago,
        ),
        (
            rf"\b(?:(?P<the>the)\s+)?(?P<kw>past|last|previous|recent|coming|next)\s+"
            rf"(?:(?P<n>{_NUM})\s+)?(?P<unit>hour|day|week|fortnight|month|year)s?\b",
            _rolling,
        ),
        (
            r"\b(?:(?P<pre>earlier|later|early|late)\s+)?(?P<kw>this|last|previous|next"
            r"|the\s+coming)\s+(?P<unit>week|month|year)\b",
            _calendar,
        ),
        (
            rf"\b(?:(?P<mod>last|this|next|past|previous|coming)\s+)?(?P<wd>{_WD})"
            r"(?:\s+(?:night|morning|afternoon|evening)\b)?",
            _weekday,
        ),
        (
            r"\b(?:(?P<prep>in|during|until|through|from|of|early|late|mid)[\s-]+)?"
            r"(?P<y>(?:19[5-9]|20\d)\d)\b(?![-/.,]\d)",
            _year,
        ),
        (r"\b(?:recently|lately|of\s+late)\b", _recently),
        (rf"\b{_mon('mon')}", _bare_month),
    )
)


def spot(text: str, ref: date, *, question: bool = False) -> list[Spot]:
    """All time phrases in `text`, in order, resolved against day `ref`."""
    if not text or TRIGGER.search(text) is None:
        return []
    claimed: list[tuple[int, int]] = []
    found: list[Spot] = []
    for pattern, handler in _PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span()
            if any(a < cb and ca < b for ca, cb in claimed):
                continue
            expr = handler(m, ref, question)
            if expr is None:
                continue
            claimed.append((a, b))
            found.append(_with_modifier(text, Spot(a, b, expr)))
    found.sort(key=lambda s: s.start)
    return found


def _with_modifier(text: str, s: Spot) -> Spot:
    """Attach a preceding "since" (a range up to the reference day) or "by" (a deadline)."""
    m = _SINCE_OR_BY.search(text, 0, s.start)
    if m is None or s.expr.rolling is not None:
        return s
    if m[1].lower() == "since":
        return Spot(m.start(), s.end, replace(s.expr, since=True))
    return Spot(m.start(), s.end, replace(s.expr, deadline=True))


def future_aux_before(text: str, pos: int) -> bool:
    """True when a future auxiliary ("will", "plans to") comes before `pos` in `text`."""
    return _FUTURE_AUX.search(text, 0, pos) is not None


# --- stand-alone date values (ACLED fields) -------------------------------------------------------

_VALUE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_VALUE_YEAR = re.compile(r"^(\d{4})$")
_VALUE_RELATIVE = re.compile(
    r"\b(?:ago|yesterday|today|tomorrow|now|next|last|this)\b", re.IGNORECASE
)
_VALUE_MONTH = re.compile(rf"\b{_MON}", re.IGNORECASE)
_PERIODS = {"day": Precision.DAY, "week": Precision.WEEK, "month": Precision.MONTH}


_VALUE_DMY = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9}\.?)[ -](\d{4})$")


def parse_date_value(value: str, *, default_year: int | None = None) -> FuzzyDate | None:
    """Parse a stand-alone date field (`2021-07-08`, `08 July 2021`, `July 2021`, `2021`)."""
    value = value.strip() if isinstance(value, str) else ""
    if not value or len(value) > 64:
        return None
    if m := _VALUE_ISO.match(value):
        try:
            return FuzzyDate.day(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return None
    if m := _VALUE_YEAR.match(value):
        return FuzzyDate.year(int(m[1])) if 1 <= int(m[1]) <= 9999 else None
    if (m := _VALUE_DMY.match(value)) and (month := MONTHS.get(m[2].lower().rstrip("."))):
        # ACLED's "08 July 2021" (and "8 Jul 2021"): the common case, without dateparser.
        try:
            return FuzzyDate.day(date(int(m[3]), month, int(m[1])))
        except ValueError:
            return None
    if _VALUE_RELATIVE.search(value) or not re.search(r"\d", value):
        return None  # relative words need a reference day; a bare month name needs a year
    if _VALUE_MONTH.search(value) is None and len(re.findall(r"\d+", value)) < 3:
        return None  # "12" or "7/8" alone is not a date
    settings: dict[str, object] = {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RELATIVE_BASE": datetime(default_year or 2000, 1, 1),
    }
    if default_year is None:
        settings["REQUIRE_PARTS"] = ["year"]
    try:
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(value)
    except Exception:
        log.debug("dateparser failed on value %r", value, exc_info=True)
        return None
    if data.date_obj is None:
        return None
    d = data.date_obj.date()
    precision = _PERIODS.get(data.period or "day", Precision.YEAR)
    if precision is Precision.MONTH:
        return FuzzyDate.month(d.year, d.month)
    if precision is Precision.YEAR:
        return FuzzyDate.year(d.year)
    return FuzzyDate.day(d) if precision is Precision.DAY else FuzzyDate.week(d)


__all__ = ["Expr", "Spot", "future_aux_before", "parse_date_value", "spot"]

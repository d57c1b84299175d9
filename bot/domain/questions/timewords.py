"""Sitrep's time words: event dates from article sentences, and time windows from questions.

Rules (documented choices):

* Weekdays in articles mean the most recent such day not after the published day; the
  published day's own weekday means that very day ("on Friday" in a Friday story is today).
  "last Friday" on a Friday means a week ago. Questions use the same rule against today.
* Month names without a year mean the most recent such month not after the reference day.
  "may"/"march" (and bare abbreviations like "Mar") only count as months when capitalised and
  introduced by a date word ("in March", "since May", "early March") or next to a day/year
  ("March 8", "May 2021"). In questions, unambiguous full names may be lowercase ("in july").
* "early/mid/late April" are ranges of days 1–10, 11–20, 21–end at month precision;
  "since X" is the range from X's first day to the reference day, at X's precision.
* Future phrases ("by August", "next week", "tomorrow", "later this month", or a bare weekday or
  month after "will"/"plans to" in the same sentence) never date an event: they are skipped,
  and a sentence with only future phrases gets None.
* Several date phrases in a sentence: the one opening the sentence wins ("On Tuesday, …",
  "In this March 3, 2020 file photo, …"); else the first one not inside a relative clause
  ("who/which/when/where …" since the last comma); else the first one.
* Questions: the first time phrase is the window; it is removed (with a preposition just before
  it) and the rest goes on to place/actor matching. Calendar windows that contain `now` end at
  the next local midnight; "the last/past N days/hours", "past week" (7 days) and "recently"/
  "lately" (7 days) are rolling windows ending at `now`; "last week/month/year" are calendar.
* Other languages (French, Spanish, Russian, Ukrainian, Arabic, Persian/Dari, Pashto): their time
  phrases are first written in English by ``timegloss`` ("вчера" is "yesterday", "منذ يوم
  الاثنين" is "since Monday"), so the rules above apply unchanged; the span removed from a
  question is the phrase as the reader wrote it, preposition included ("в июле", "en julio").
  Solar Hijri days ("۱۸ سرطان") become Gregorian days (``timesolar``).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot.domain.questions.timegloss import gloss
from bot.domain.questions.timehandlers import Expr, Spot
from bot.domain.questions.timespot import future_aux_before, spot
from bot.domain.questions.timetypes import (
    MONTH_FULL,
    FuzzyDate,
    Precision,
    Window,
    day_label,
    local_midnight,
    range_label,
    weekday_label,
)

log = logging.getLogger(__name__)

__all__ = ["event_date_in_text", "event_date_phrase", "find_window"]

MAX_TEXT = 20_000  # longer text is cut before spotting (keeps worst cases cheap)

_LEADING = re.compile(
    r"^[\s\"'“‘(\[*-]*(?:(?:in|on|at|during|over|from|until|for|early|late|this|the|that|last)"
    r"\s+)*$",
    re.IGNORECASE,
)
_RELATIVE_WORD = re.compile(r"\b(?:who|whom|whose|which|where|when)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]—–]")
_PREP_BEFORE = re.compile(
    r"\b(?:in|on|during|over|for|within|from|of|at|throughout)\s+(?:the\s+)?$", re.IGNORECASE
)


def event_date_in_text(text: str, published: date) -> FuzzyDate | None:
    """The date an article sentence reports, resolved against the article's published day."""
    found = event_date_phrase(text, published)
    return found[0] if found is not None else None


def event_date_phrase(text: str, published: date) -> tuple[FuzzyDate, str] | None:
    """The date an article sentence reports and the words (as written) it rests on."""
    if isinstance(published, datetime):
        published = published.date()
    if not text:
        return None
    original = text[:MAX_TEXT]
    glossed = gloss(original, published)  # other languages' time phrases in English
    text = glossed.text
    picked: list[tuple[Spot, FuzzyDate]] = []
    for s in spot(text, published):
        when = _event_date(s, text, published, future_after=glossed.future_after)
        if when is not None:
            picked.append((s, when))
    if not picked:
        return None
    chosen = _chosen(picked, text)
    start, end = glossed.original(chosen[0].start, chosen[0].end)
    return chosen[1], original[start:end]


def _chosen(picked: list[tuple[Spot, FuzzyDate]], text: str) -> tuple[Spot, FuzzyDate]:
    """The phrase opening the sentence, else the first outside a relative clause, else the first."""
    for s, when in picked:
        if _LEADING.match(text, 0, s.start):
            return s, when
    for s, when in picked:
        if not _in_relative_clause(text, s.start):
            return s, when
    return picked[0]


def _event_date(
    s: Spot, text: str, published: date, *, future_after: bool = False
) -> FuzzyDate | None:
    e = s.expr
    if e.when is None or e.future or e.deadline:
        return None
    if e.bare and (future_after or future_aux_before(text, s.start)):
        return None  # "troops will leave in August": a plan, not an event
    when = e.when
    first = when.first_day()
    if first > published:
        return None  # an event is not dated in the future
    if e.since:
        return FuzzyDate(first, when.precision, published)
    return when


def _in_relative_clause(text: str, pos: int) -> bool:
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, pos)]
    segment = text[breaks[-1] if breaks else 0 : pos]
    return _RELATIVE_WORD.search(segment) is not None


def find_window(question: str, now: datetime) -> tuple[Window | None, str]:
    """The time window a question asks about (in now's zone) and the question without it."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("find_window needs a timezone-aware now")
    if not question:
        return None, question
    glossed = gloss(question, now.date())
    for s in spot(glossed.text, now.date(), question=True):
        if s.expr.deadline or s.expr.when is None:
            continue
        window = _window(s.expr, now)
        return window, _remove(question, *glossed.original(s.start, s.end))
    return None, question


def _window(e: Expr, now: datetime) -> Window:
    tz: tzinfo | None = now.tzinfo
    assert e.when is not None
    when = e.when
    if e.rolling is not None and not e.since:
        if e.rolling < timedelta(days=1) or e.rolling_label.endswith(("hours", "hour")):
            start = (now.astimezone(UTC) - e.rolling).astimezone(tz)
        else:
            start = now - e.rolling  # calendar days: wall-clock arithmetic in the asker's zone
        return Window(start, now, e.rolling_label)
    first = when.first_day()
    start = local_midnight(first, tz)
    if e.since:
        return Window(start, now, f"since {_since_label(e)}")
    end = local_midnight(when.last_day() + timedelta(days=1), tz)
    if start <= now < end:
        end = min(end, local_midnight(now.date() + timedelta(days=1), tz))
    return Window(start, end, _label(e))


def _label(e: Expr) -> str:
    assert e.when is not None
    when = e.when
    first = when.first_day()
    match e.kind:
        case "today" | "yesterday" | "tomorrow":
            return e.kind
        case "last_night":
            return "last night"
        case "month":
            return f"{MONTH_FULL[first.month]} {first.year}"
        case "year":
            return str(first.year)
        case "weekday":
            return weekday_label(first)
        case "date":
            return day_label(first)
        case "part":
            return range_label(first, when.last_day())
        case kind if kind.startswith(("this_", "last_", "next_")):
            return kind.replace("_", " ")
        case _:
            return when.label()


def _since_label(e: Expr) -> str:
    assert e.when is not None
    first = e.when.first_day()
    if e.when.precision is Precision.YEAR and e.when.end is None:
        return str(first.year)
    if e.when.precision is Precision.MONTH and e.when.end is None:
        return f"{MONTH_FULL[first.month]} {first.year}"
    if e.kind in ("weekday", "today", "yesterday", "last_night", "this_week", "last_week"):
        return weekday_label(first)
    return day_label(first)


def _remove(question: str, start: int, end: int) -> str:
    """The question without text[start:end] (and a preposition right before it), tidied."""
    prep = _PREP_BEFORE.search(question, 0, start)
    if prep is not None:
        start = prep.start()
    rest = question[:start] + " " + question[end:]
    rest = re.sub(r"\s+", " ", rest)
    rest = re.sub(r"\s+([?.!,;:؟،؛])", r"\1", rest)
    rest = re.sub(r"[,،]([?.!؟])", r"\1", rest)
    rest = re.sub(r"^[\s,;:،؛]+|[\s,;:،؛]+$", "", rest)
    return rest

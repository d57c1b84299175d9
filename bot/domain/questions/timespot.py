"""Phrase spotting for time words: find date phrases in text and resolve them against a day.

dateparser does the point parsing of explicit calendar dates ("Feb. 20, 2019", "8 July");
this module spots the phrase shapes with regexes and adds the range layer dateparser lacks
("this week", "in February", "since mid-April", "the past 3 days").  The vocabulary lives in
``timevocab``, the meaning of each phrase shape in ``timehandlers`` and stand-alone date values
in ``datevalue``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from bot.domain.questions import timehandlers as h
from bot.domain.questions.timehandlers import Handler, Spot
from bot.domain.questions.timevocab import MON_RX, NUM_RX, ORD_RX, SINCE_OR_BY, WEEKDAY_RX

__all__ = ["TRIGGER", "future_aux_before", "spot"]

# Any word that could start a time phrase; text without one skips all the work below.
TRIGGER = re.compile(
    rf"\d|\b(?:{MON_RX}|{WEEKDAY_RX}|today|tonight|yesterday|tomorrow|week|weeks|month|months"
    r"|year|years|days|day|hours|hour|fortnight|ago|night|morning|afternoon|evening|recently|lately|late)",
    re.IGNORECASE,
)
_FUTURE_AUX = re.compile(
    r"\b(?:will|shall|won't|going\s+to|plans?\s+to|planned\s+to|expected\s+to|scheduled\s+to"
    r"|set\s+to|due\s+to\s+be)\b|\w'll\b",
    re.IGNORECASE,
)


def _mon(name: str) -> str:
    return rf"(?P<{name}>{MON_RX}\.?)"


_PATTERNS: tuple[tuple[re.Pattern[str], Handler], ...] = tuple(
    (re.compile(rx, re.IGNORECASE), handler)
    for rx, handler in (
        (r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b", h.iso_date),
        (
            rf"\b(?:(?P<d1>\d{{1,2}}){ORD_RX}\s+(?:of\s+)?{_mon('mon1')}"
            rf"|{_mon('mon2')}\s+(?P<d2>\d{{1,2}}){ORD_RX}\b)\s*,?\s+(?P<y>\d{{4}})\b",
            h.date_with_year,
        ),
        (
            rf"\b(?P<part>early|mid|late|the\s+(?:start|beginning|middle|end)\s+of)[\s-]+"
            rf"{_mon('mon')}(?:,?\s+(?P<y>\d{{4}})\b)?",
            h.part_of_month,
        ),
        (rf"\b{_mon('mon')},?\s+(?P<y>\d{{4}})\b", h.month_year),
        (
            rf"\b(?:(?P<d1>\d{{1,2}}){ORD_RX}\s+(?:of\s+)?{_mon('mon1')}"
            rf"|{_mon('mon2')}\s+(?P<d2>\d{{1,2}}){ORD_RX}\b)",
            h.date_no_year,
        ),
        (
            r"\b(?:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today"
            r"|tonight|tomorrow|last\s+night|this\s+(?:morning|afternoon|evening))\b",
            h.relative_day,
        ),
        (
            rf"\b(?P<n>{NUM_RX})\s+(?P<unit>day|week|month|year)s?\s+ago\b",
            h.ago,
        ),
        (
            rf"\b(?:(?P<the>the)\s+)?(?P<kw>past|last|previous|recent|coming|next)\s+"
            rf"(?:(?P<n>{NUM_RX})\s+)?(?P<unit>hour|day|week|fortnight|month|year)s?\b",
            h.rolling,
        ),
        (
            r"\b(?:(?P<pre>earlier|later|early|late)\s+)?(?P<kw>this|last|previous|next"
            r"|the\s+coming)\s+(?P<unit>week|month|year)\b",
            h.calendar,
        ),
        (
            rf"\b(?:(?P<mod>last|this|next|past|previous|coming)\s+)?(?P<wd>{WEEKDAY_RX})"
            r"(?:\s+(?:night|morning|afternoon|evening)\b)?",
            h.weekday,
        ),
        (
            r"\b(?:(?P<prep>in|during|until|through|from|of|early|late|mid)[\s-]+)?"
            r"(?P<y>(?:19[5-9]|20\d)\d)\b(?![-/.,]\d)",
            h.year_alone,
        ),
        (r"\b(?:recently|lately|of\s+late)\b", h.recently),
        (rf"\b{_mon('mon')}", h.bare_month),
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
    m = SINCE_OR_BY.search(text, 0, s.start)
    if m is None or s.expr.rolling is not None:
        return s
    if m[1].lower() == "since":
        return Spot(m.start(), s.end, replace(s.expr, since=True))
    return Spot(m.start(), s.end, replace(s.expr, deadline=True))


def future_aux_before(text: str, pos: int) -> bool:
    """True when a future auxiliary ("will", "plans to") comes before `pos` in `text`."""
    return _FUTURE_AUX.search(text, 0, pos) is not None

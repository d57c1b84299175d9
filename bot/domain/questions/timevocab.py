"""Vocabulary of time phrases: month and weekday names, number words and regex pieces."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

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

MON_RX = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept(?:ember)?|sep|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
WEEKDAY_RX = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
NUM_RX = (
    r"(?:\d{1,3}|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|several|an?|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
ORD_RX = r"(?:st|nd|rd|th)?"

# Any word that could start a time phrase; text without one skips all the work below.
SINCE_OR_BY = re.compile(r"\b(since|by)\s+(?:the\s+end\s+of\s+)?$", re.IGNORECASE)


def month_num(token: str) -> int:
    """The month number of a month name or abbreviation ("Sept." is 9)."""
    return MONTHS[token.lower().rstrip(".")]


def month_token_ok(token: str, in_date_context: bool) -> bool:
    """'may'/'march' (and lowercase abbreviations) only count as months when written as such."""
    word = token.lower().rstrip(".")
    if word in ("may", "mar"):
        return token[0].isupper()
    return in_date_context or word in SAFE_MONTHS or token[0].isupper()


def recent_month(month: int, ref: date) -> int:
    """The year of the most recent `month` not after `ref`."""
    return ref.year if month <= ref.month else ref.year - 1


def number(word: str) -> int:
    """The value of a digit string or number word ("a couple of" is 2)."""
    word = re.sub(r"\s+", " ", word.lower())
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


@dataclass(frozen=True, slots=True)
class LangTable:
    """One language's time words as data: word regexes to English, and phrase templates.

    ``phrases`` pairs a regex (with the slots {N} number, {U} unit, {WD} weekday, {MON} month,
    {MONX} month without the ambiguous ones, {D} day of month, {Y} year) with the English it
    means, written with the same slots ("les {N} derniers {U}" is "the last {N} {U}s").
    """

    script: str  # "latin", "cyrillic" or "arabic": text without the script skips the table
    numbers: dict[str, str]
    units: dict[str, str]
    weekdays: dict[str, str]
    months: dict[str, str]
    phrases: tuple[tuple[str, str], ...]
    loose_months: frozenset[str] = frozenset()  # month keys left out of {MONX} and {SMONX}
    verb_final: bool = False  # "will" comes after the date phrase ("... خواهند شد")
    # Solar Hijri month names to month numbers: slots {SMON}, {SMONX} and {SY} (the solar year);
    # "{SOLAR}" in the English is the Gregorian day ("18 سرطان" is "9 July 2021").
    solar_months: dict[str, str] = field(default_factory=dict)

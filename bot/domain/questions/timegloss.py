"""Time phrases in other languages glossed into English, so one set of rules resolves them all.

``gloss`` finds the time phrases of French, Spanish, Russian, Ukrainian, Arabic, Persian/Dari
and Pashto (tables in ``timelang_west`` and ``timelang_east``) and writes each one in English
("за последние 3 дня" is "the last 3 days", "دیروز" is "yesterday"); the rest of the text is
kept, folded (Eastern digits as ASCII, one spelling of yeh and kaf).  The English rules then
read the glossed text, and ``Gloss.original`` maps a span found there back to the question.

Documented choices:

* The longest phrase starting first wins; phrases never overlap.
* A table is tried only on text in its script (English text pays for the French and Spanish
  tables: about 0.1 ms a question).
* Each table is compiled on first use (10–20 ms), not at import.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from bot.domain.questions.timesolar import recent_solar, solar_to_gregorian
from bot.domain.questions.timetypes import MONTH_FULL
from bot.domain.questions.timevocab import LangTable

log = logging.getLogger(__name__)

__all__ = ["LANGUAGES", "Gloss", "fold", "gloss"]

LANGUAGES = ("fr", "es", "ru", "uk", "ar", "fa", "ps")

_FOLD = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # alef maksura
        "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0671": "\u0627",  # alef wasla
        "\u06c0": "\u0647",  # heh with yeh above (Persian ezafe)
        "\u0654": " ",  # combining hamza above (ezafe written as a mark)
        "\u200c": " ",  # zero-width non-joiner
        "\u00a0": " ",
        "ё": "е",
        "Ё": "Е",
        "’": "'",
        "ʼ": "'",
    }
)
_SCRIPTS = {
    "latin": re.compile(r"[A-Za-zÀ-ÿ]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
}
_LANGUAGE_SCRIPTS = (
    ("fr", _SCRIPTS["latin"]),
    ("es", _SCRIPTS["latin"]),
    ("ru", _SCRIPTS["cyrillic"]),
    ("uk", _SCRIPTS["cyrillic"]),
    ("ar", _SCRIPTS["arabic"]),
    ("fa", _SCRIPTS["arabic"]),
    ("ps", _SCRIPTS["arabic"]),
)
_SLOT = re.compile(r"\{(N|U|WD|MONX|MON|D|Y|SMONX|SMON|SY)\}")
_GROUP = re.compile(r"([a-z]+)\d+$")


def fold(text: str) -> str:
    """Eastern digits as ASCII and Arabic-script spelling variants made one (length kept)."""
    return text.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class _Phrase:
    pattern: re.Pattern[str]
    english: str


@dataclass(frozen=True, slots=True)
class _Compiled:
    phrases: tuple[_Phrase, ...]
    verb_final: bool
    words: dict[str, tuple[tuple[re.Pattern[str], str], ...]]  # slot base -> (word rx, English)


@dataclass(frozen=True, slots=True)
class Gloss:
    """Text with its time phrases in English, and where each phrase was in the original."""

    text: str
    pieces: tuple[tuple[int, int, int, int], ...] = ()  # glossed start, end; original start, end
    future_after: bool = False  # a verb-final language's "will" (it follows the date phrase)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that text[start:end] comes from."""
        return self._position(start, at_end=False), self._position(end, at_end=True)

    def _position(self, pos: int, *, at_end: bool) -> int:
        shift = 0
        for g_start, g_end, o_start, o_end in self.pieces:
            if pos <= g_start:
                return pos + shift
            if pos < g_end:
                return o_end if at_end else o_start
            shift = o_end - g_end
        return pos + shift


def gloss(text: str, ref: date | None = None) -> Gloss:
    """The text with every time phrase of another language written in English.

    `ref` (the asker's or the article's day) places Solar Hijri days given without a year.
    """
    folded = fold(text)
    found = _find(folded, ref)
    if not found:
        return Gloss(folded)
    found.sort(key=lambda f: (f[0], f[0] - f[1]))
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    pos = size = 0
    future_after = False
    for start, end, english, verb_final in found:
        if start < pos:
            continue  # overlaps a phrase already taken
        out += [folded[pos:start], english]
        size += start - pos
        pieces.append((size, size + len(english), start, end))
        size += len(english)
        pos = end
        future_after = future_after or (verb_final and english == "will")
    out.append(folded[pos:])
    return Gloss("".join(out), tuple(pieces), future_after)


def _find(folded: str, ref: date | None) -> list[tuple[int, int, str, bool]]:
    """Every phrase of every table in the text's scripts: start, end, English, verb-final."""
    found: list[tuple[int, int, str, bool]] = []
    for code, script in _LANGUAGE_SCRIPTS:
        if script.search(folded) is None:
            continue
        table = _table(code)
        for phrase in table.phrases:
            for m in phrase.pattern.finditer(folded):
                english = _english(m, phrase.english, table, ref)
                if english is not None and m.end() > m.start():
                    found.append((m.start(), m.end(), english, table.verb_final))
    return found


def _english(m: re.Match[str], template: str, table: _Compiled, ref: date | None) -> str | None:
    """The English template with the slots filled from the match (None: a word not known)."""
    values: dict[str, str] = {}
    for name, raw in m.groupdict().items():
        base = _GROUP.match(name)
        if raw is None or base is None or base[1] in values:
            continue
        value = _word(base[1], raw, table)
        if value is None:
            return None
        values[base[1]] = value
    if "{SOLAR}" in template:
        solar = _solar_day(values, ref)
        if solar is None:
            return None
        template = template.replace(
            "{SOLAR}", f"{solar.day} {MONTH_FULL[solar.month]} {solar.year}"
        )
    return _SLOT.sub(lambda s: values.get(_BASE[s[1]], ""), template)


def _solar_day(values: dict[str, str], ref: date | None) -> date | None:
    """The Gregorian day of a Solar Hijri day and month (and year, or the latest up to `ref`)."""
    try:
        month, day = int(values["smon"]), int(values["d"])
        if "sy" in values:
            return solar_to_gregorian(int(values["sy"]), month, day)
    except (KeyError, ValueError):
        return None
    return recent_solar(month, day, ref) if ref is not None else None


_BASE = {
    "N": "n",
    "U": "u",
    "WD": "wd",
    "MON": "mon",
    "MONX": "mon",
    "D": "d",
    "Y": "y",
    "SMON": "smon",
    "SMONX": "smon",
    "SY": "sy",
}


def _word(base: str, raw: str, table: _Compiled) -> str | None:
    if base in ("d", "y", "sy") or raw.isdigit():
        return str(int(raw))
    for rx, english in table.words[base]:
        if rx.fullmatch(raw):
            return english
    log.debug("time word %r not in its table", raw)
    return None


@cache
def _table(code: str) -> _Compiled:
    """One language's table, compiled once (on first use)."""
    from bot.domain.questions.timelang_east import TABLES as EAST
    from bot.domain.questions.timelang_west import TABLES as WEST

    return _compile({**WEST, **EAST}[code])


def _alts(words: dict[str, str], leave_out: frozenset[str] = frozenset()) -> str:
    keys = [_spaced(k) for k in words if k not in leave_out]
    return "|".join(sorted(keys, key=len, reverse=True)) or "(?!)"  # no words: never matches


def _spaced(rx: str) -> str:
    """A pattern folded like the text, each space matching any run of spaces."""
    return fold(rx).replace(" ", r"\s+")


def _compile(table: LangTable) -> _Compiled:
    months = _alts(table.months)
    slots = {
        "N": rf"\d{{1,3}}|{_alts(table.numbers)}",
        "U": _alts(table.units),
        "WD": _alts(table.weekdays),
        "MON": months,
        "MONX": _alts(table.months, table.loose_months),
        "D": r"[0-3]?\d",
        "Y": r"(?:1[89]|20)\d\d",
        "SMON": _alts(table.solar_months),
        "SMONX": _alts(table.solar_months, table.loose_months),
        "SY": r"1[34]\d\d",
    }
    tails = {"MON": rf"(?:\s*[/(]\s*(?:{months})\s*\)?)?", "MONX": ""}
    phrases = tuple(
        _Phrase(re.compile(_expand(rx, slots, tails), re.IGNORECASE), english)
        for rx, english in table.phrases
    )
    words = {
        base: tuple(
            (re.compile(_spaced(k), re.IGNORECASE), english) for k, english in source.items()
        )
        for base, source in (
            ("n", table.numbers),
            ("u", table.units),
            ("wd", table.weekdays),
            ("mon", table.months),
            ("smon", table.solar_months),
        )
    }
    return _Compiled(
        phrases=phrases,
        verb_final=table.verb_final,
        words=words,
    )


def _expand(rx: str, slots: dict[str, str], tails: dict[str, str]) -> str:
    """A phrase pattern with its slots as numbered groups ("{D}" twice: d0, d1), as whole words."""
    pieces: list[str] = []
    pos = 0
    for i, m in enumerate(_SLOT.finditer(rx := _spaced(rx))):
        pieces += [rx[pos : m.start()], f"(?P<{_BASE[m[1]]}{i}>{slots[m[1]]}){tails.get(m[1], '')}"]
        pos = m.end()
    pieces.append(rx[pos:])
    if re.search(r"\{[A-Za-z_]", "".join(pieces[::2])):
        raise ValueError(f"unknown slot in time phrase {rx!r}")
    return rf"(?<!\w)(?:{''.join(pieces)})(?!\w)"

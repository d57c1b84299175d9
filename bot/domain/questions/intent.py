"""What kind of answer a question wants: a list of events, a count, a sum of deaths, or a ranking.

"how many people were killed …" is a sum of reported fatalities; "how many airstrikes …" a count;
"which province had the most attacks …" a ranked list of places at a level of the hierarchy
("province" = the first-level subdivision, "district" the second, "country"). The words that say
so are removed from the question, so "many", "people" and "killed" are never searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Intent = Literal["list", "count", "killed", "rank"]
RankBy = Literal["events", "killed"]

_PEOPLE = (
    r"(?:(?:people|persons|individuals|civilians|soldiers|troops|fighters|militants|insurgents"
    r"|police(?:men)?|officers|members|children|women|men|protesters)\s+)?"
)
_DEATH = r"(?:killed|died|dead|deaths|fatalities|casualties|lost their lives|lives lost|slain)"
_KILLED = re.compile(
    r"\b(?:how\s+many\s+"
    + _PEOPLE
    + r"(?:(?:were|was|have been|had been|got|are|been)\s+)?"
    + _DEATH
    + r"|(?:total\s+)?(?:number|count|toll|tally)\s+of\s+(?:the\s+)?"
    + _PEOPLE
    + r"(?:(?:who\s+)?(?:were\s+)?)"
    + _DEATH
    + r"|death\s+tolls?|body\s+counts?|how\s+deadly|fatalit(?:y|ies)\s+(?:count|total|figures?))\b",
    re.IGNORECASE,
)
_COUNT = re.compile(
    r"\b(?:how\s+many(?:\s+times)?|how\s+often|(?:the\s+)?(?:total\s+)?(?:number|count)\s+of"
    r"|count(?:\s+the)?|tally\s+of)\b",
    re.IGNORECASE,
)
_LEVEL = (
    r"(?P<level>provinces?|regions?|states?|governorates?|oblasts?|departments?|divisions?"
    r"|districts?|counties|county|raions?|countries|country|cities|city|towns?|places?|areas?"
    r"|locations?)"
)
_RANK = re.compile(
    r"\b(?:which|what|top|name\s+the)\s+(?:\d+\s+)?" + _LEVEL + r"\b(?P<tail>[^?.!]*?)\b"
    r"(?P<most>most|highest|deadliest|worst|biggest|largest)\b"
    r"|\bwhere\s+(?:were|was|did|have|has)?\s*(?:there\s+)?(?:the\s+)?(?P<most2>most)\b"
    r"|\b(?:most|deadliest)\s+[\w\s]{0,30}?\bby\s+" + _LEVEL.replace("level", "level2") + r"\b"
    r"|\b(?:rank(?:ed|ing)?|break\s*down|breakdown)\s+(?:of\s+)?[\w\s]{0,30}?\bby\s+"
    + _LEVEL.replace("level", "level3")
    + r"\b",
    re.IGNORECASE,
)
_DEADLY = re.compile(
    r"\b(?:deadliest|most\s+(?:deaths|fatalities|killed|casualties|people\s+killed|dead)"
    r"|highest\s+(?:death\s+toll|number\s+of\s+deaths|fatalities))\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"\b(?:had|has|have|saw|seen|see|recorded|record|suffered|experienced|with|the|number\s+of"
    r"|were|was|there|did)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Asked:
    """The answer a question wants, and the question without the words that said so."""

    intent: Intent
    rest: str
    level: str = ""  # for rankings: "province", "district", "country" or "place"
    rank_by: RankBy = "events"


def _level(word: str) -> str:
    w = word.lower()
    if w.startswith("countr"):
        return "country"
    if w.startswith(("district", "count", "raion")):
        return "district"
    if w.startswith(("cit", "town", "place", "area", "location")):
        return "place"
    return "province"


def _cut(text: str, start: int, end: int) -> str:
    return " ".join((text[:start] + " " + text[end:]).split())


def read_intent(text: str) -> Asked:
    """The answer the question wants; the rest of the question keeps its place, actor and kind
    words ("which province had the most airstrikes" → rank by province, rest "airstrikes")."""
    m = _RANK.search(text)
    if m is not None:
        level_word = m.group("level") or m.group("level2") or m.group("level3") or "province"
        rank_by: RankBy = "killed" if _DEADLY.search(text) else "events"
        rest = _cut(text, m.start(), m.end())
        tail = m.group("tail") or ""
        if tail.strip():
            rest = f"{_FILLER.sub(' ', tail)} {rest}"
        rest = _DEADLY.sub(" ", rest)
        return Asked("rank", " ".join(rest.split()), _level(level_word), rank_by)
    m = _KILLED.search(text)
    if m is not None:
        people = re.search(r"\bcivilians\b", m.group(0), re.IGNORECASE)
        rest = _cut(text, m.start(), m.end())
        if people:  # "how many civilians were killed": civilians were the ones acted on
            rest = f"civilians killed {rest}"
        return Asked("killed", rest)
    m = _COUNT.search(text)
    if m is not None:
        return Asked("count", _cut(text, m.start(), m.end()))
    return Asked("list", text)

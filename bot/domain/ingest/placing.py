"""Where a sentence happens: the article's country and the most specific place a clause names."""

from __future__ import annotations

import re
from collections import Counter

from bot.domain.ingest.actors import DEMONYM_SUFFIX
from bot.domain.ingest.candidates import Clause, Context
from bot.domain.ingest.text import Sentence
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind, PlaceMention
from bot.domain.places.names import normalize

_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|into|inside|at|across|from|to|toward|towards|near|outside)\s+(?:the\s+)?$", re.I
)
_NEAR_BEFORE = re.compile(
    r"\b(?:near|outside|outskirts of|close to|(?:north|south|east|west)\s+of)\s+(?:the\s+)?"
    r"(?:city\s+of\s+)?$",
    re.I,
)
_REFERENCE_NP = re.compile(
    r"^(?:The|This|That)\s+(?:seizure|capture|fall|takeover|taking|loss|closure|attack on|"
    r"bombing of)\s+(?:of\s+)?(?P<np>[^,;]+?)\s+(?:is|was|marks|comes|came|follows|followed)\b"
)
_SPECIFIC_RANK = {
    PlaceKind.CROSSING: 0,
    PlaceKind.TOWN: 1,
    PlaceKind.DISTRICT: 2,
    PlaceKind.OTHER: 3,
    PlaceKind.PROVINCE: 4,
}


def home_country(sentences: list[Sentence], gazetteer: Gazetteer) -> Place | None:
    """The country the article is mostly about (names and demonyms counted)."""
    counts: Counter[str] = Counter()
    for s in sentences:
        for m in gazetteer.find_in_text(s.text):
            country = _country_of(gazetteer, m.place)
            if country is not None:
                counts[country.key] += 1
    if not counts:
        return None
    return gazetteer.get(counts.most_common(1)[0][0])


def _country_of(gazetteer: Gazetteer, place: Place) -> Place | None:
    if place.kind is PlaceKind.COUNTRY:
        return place
    chain = gazetteer.ancestors(place.key)
    return chain[-1] if chain and chain[-1].kind is PlaceKind.COUNTRY else None


def _is_demonym(m: PlaceMention) -> bool:
    if m.place.kind is not PlaceKind.COUNTRY:
        return False
    word = m.matched.strip()
    if " " in word or normalize(word) == normalize(m.place.name):
        return False
    return DEMONYM_SUFFIX.search(word) is not None


def clause_places(
    ctx: Context, sentence: str, mentions: list[PlaceMention], clause: Clause
) -> list[PlaceMention]:
    """The sure place mentions inside a clause (demonyms and known places referred back to out)."""
    inside = [
        m
        for m in mentions
        if clause.start <= m.start < clause.end and not _is_demonym(m) and m.score >= 90
    ]
    ref = _REFERENCE_NP.match(sentence) if clause.start == 0 else None
    if ref is not None:
        known = {e.place.key for e in ctx.events if e.place is not None}
        np_start, np_end = ref.span("np")
        inside = [
            m
            for m in inside
            if not (np_start <= m.start < np_end and m.place.key in known)
            or all(np_start <= o.start < np_end for o in inside)
        ]
    return inside


def pick_place(
    ctx: Context, clause: Clause, places: list[PlaceMention], verb_at: int
) -> tuple[Place | None, str, bool]:
    """The most specific place a clause names, what it says for it, and whether it is "near"."""
    specific = [m for m in places if m.place.kind is not PlaceKind.COUNTRY]
    if specific:
        chosen = _specific_choice(ctx.gazetteer, clause, specific, verb_at)
    elif places:
        chosen = _country_choice(clause, places, verb_at)
    else:
        home = ctx.home_country
        return home, (home.name if home else ""), False
    before = clause.text[: max(0, chosen.start - clause.start)]
    return chosen.place, chosen.matched, _NEAR_BEFORE.search(before) is not None


def _specific_choice(
    gz: Gazetteer, clause: Clause, specific: list[PlaceMention], verb_at: int
) -> PlaceMention:
    """The innermost place named after the verb, else the most specific kind, latest first."""
    inner_keys: set[str] = set()
    for m in specific:
        inner_keys.update(a.key for a in gz.ancestors(m.place.key))
    leaves = [m for m in specific if m.place.key not in inner_keys] or specific
    verb_pos = clause.start + verb_at
    after = [m for m in leaves if m.start >= verb_pos]
    if after:
        return after[0]
    return min(leaves, key=lambda m: (_SPECIFIC_RANK[m.place.kind], -m.start))


def _country_choice(clause: Clause, places: list[PlaceMention], verb_at: int) -> PlaceMention:
    """Among countries: the one after in/into/from/across, else the subject, else the first."""
    rel = clause.start
    located = [m for m in places if _LOCATIVE_BEFORE.search(clause.text[: max(0, m.start - rel)])]
    subject = [m for m in places if m.start - rel < verb_at]
    return (located or subject or places)[0]


def places_fit(gz: Gazetteer, a: Place | None, b: Place | None) -> bool:
    """True if two places may be one event's: same, one unknown, or a country and inside it."""
    if a is None or b is None or a.key == b.key:
        return True
    if a.kind is PlaceKind.COUNTRY and a.key in {p.key for p in gz.ancestors(b.key)}:
        return True
    return b.kind is PlaceKind.COUNTRY and b.key in {p.key for p in gz.ancestors(a.key)}


def same_spot(a: Place | None, b: Place | None) -> bool:
    """True if both are the same place below country level."""
    return a is not None and b is not None and a.key == b.key and a.kind is not PlaceKind.COUNTRY

"""Where a clause happens: the most specific place it names, and which places fit together."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.ingest.candidates import Candidate, Context
from bot.domain.ingest.mentions import Mention
from bot.domain.ingest.parsing import Parse
from bot.domain.ingest.predicates import Predicate
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind

_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|into|inside|at|across|from|to|toward|towards|near|outside|on|around|of)\s+"
    r"(?:the\s+)?(?:[\w-]+\s+){0,3}$",
    re.I,
)
_NEAR_BEFORE = re.compile(
    r"\b(?:near|outside|outskirts of|close to|(?:north|south|east|west)\s+of|around)\s+"
    r"(?:the\s+)?(?:[a-z]+ern\s+)?(?:city\s+of\s+|town\s+of\s+)?$",
    re.I,
)
_STRICT_LOCATIVE = re.compile(
    r"\b(?:in|into|inside|at|across|from|to|toward|towards)\s+(?:the\s+)?$", re.I
)
_STRICT_IN = re.compile(r"\bin\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}(?:of\s+)?$", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)
_INTO_BEFORE = re.compile(
    r"\b(?:into|to|toward|towards|across)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I
)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern)?\s+of\s+"
    r"(?:the\s+)?$",
    re.I,
)
_NESTED = frozenset({"advcl", "acl", "relcl"})
_MOVES = frozenset({"retreat", "withdrawal"})
_SPECIFIC_RANK = {
    PlaceKind.CROSSING: 0,
    PlaceKind.TOWN: 1,
    PlaceKind.DISTRICT: 2,
    PlaceKind.OTHER: 3,
    PlaceKind.PROVINCE: 4,
}


@dataclass(frozen=True, slots=True)
class Pick:
    """The place chosen for a clause: the place, its words, "near", and a movement's end."""

    place: Place | None
    text: str = ""
    near: bool = False
    destination: str = ""


def _before(p: Parse, start: int) -> str:
    return p.text[max(0, start - 40) : start]


def pick_place(ctx: Context, p: Parse, pred: Predicate, mentions: list[Mention]) -> Pick:
    """The most specific place a clause names; a movement's origin, its destination noted."""
    if not mentions:
        return Pick(None)
    gz = ctx.gazetteer
    origin = [m for m in mentions if _FROM_BEFORE.search(_before(p, m.start))]
    goal = [m for m in mentions if _INTO_BEFORE.search(_before(p, m.start))]
    destination = ""
    if pred.kind in _MOVES and origin and goal:
        mentions = origin
        destination = goal[0].place.name
    mentions = _core(p, pred, mentions)
    specific = [m for m in mentions if m.place.kind is not PlaceKind.COUNTRY]
    pool = specific or mentions
    inner: set[str] = set()
    for m in pool:
        inner.update(a.key for a in gz.ancestors(m.place.key))
    leaves = [m for m in pool if m.place.key not in inner] or pool
    verb_at = p.tokens[pred.head].idx
    taken = _object_words(p, pred)
    located = [
        m
        for m in leaves
        if _LOCATIVE_BEFORE.search(_before(p, m.start)) or _token_at(p, m.start) in taken
    ]
    after = [m for m in leaves if m.start >= verb_at]
    if specific:
        chosen = min(
            located or after or leaves,
            key=lambda m: (_SPECIFIC_RANK.get(m.place.kind, 5), m.start),
        )
    else:  # only countries: the one after in/into/from/across, else the subject, else the first
        strict = [m for m in leaves if _STRICT_LOCATIVE.search(_before(p, m.start))]
        subject = [m for m in leaves if m.start < verb_at]
        chosen = (strict or subject or leaves)[0]
    near = _NEAR_BEFORE.search(_before(p, chosen.start)) is not None
    return Pick(chosen.place, chosen.matched, near, destination)


def _token_at(p: Parse, start: int) -> int:
    """The index of the token a character offset falls in (-1 if none)."""
    return next((t.i for t in p.tokens if t.idx <= start < t.end), -1)


def _object_words(p: Parse, pred: Predicate) -> set[int]:
    """The words of the verb's direct object ("captured the town of Sake"): what was taken,
    struck or entered is where it happened."""
    out: set[int] = set()
    for c in p.children(pred.head):
        if c.dep == "dobj":
            out.update(t.i for t in p.subtree(c.i) if t.i in pred.tokens)
    return out


def _core(p: Parse, pred: Predicate, mentions: list[Mention]) -> list[Mention]:
    """The mentions of the clause itself: not those inside a clause hanging on it ("…,
    cutting the road into Goma", "…, handing Russia its gain"), nor a reference point ("in
    Guzara district south of the city"), while the clause names a place of its own."""
    aside: set[int] = set()
    for c in p.children(pred.head):
        if c.dep in _NESTED and c.pos in ("VERB", "AUX"):
            aside.update(t.i for t in p.subtree(c.i))
    own = [m for m in mentions if _token_at(p, m.start) not in aside]
    own = own or mentions
    anchored = [m for m in own if not _REFERENCE_BEFORE.search(_before(p, m.start))]
    return anchored or own


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


def finer_place(ctx: Context, p: Parse, ev: Candidate, mentions: list[Mention]) -> Mention | None:
    """A sentence going on about an event ("the clash took place in the town of X") that
    names where it happened more precisely than the event has it (only "near" a city, or an
    area above the place named): that place, else None."""
    gz = ctx.gazetteer
    placed = [
        m
        for m in mentions
        if not m.referred
        and m.place.kind is not PlaceKind.COUNTRY
        and _STRICT_IN.search(_before(p, m.start))
        and not _NEAR_BEFORE.search(_before(p, m.start))
    ]
    if not placed:
        return None
    best = min(placed, key=lambda m: (_SPECIFIC_RANK.get(m.place.kind, 5), m.start))
    if ev.place is None or ev.fallback or ev.place.kind is PlaceKind.COUNTRY:
        return best
    above = ev.place.key in {a.key for a in gz.ancestors(best.place.key)}
    same_area = _area(gz, ev.place) == _area(gz, best.place) is not None
    return best if above or (ev.near and same_area) else None


def _area(gz: Gazetteer, place: Place) -> str | None:
    """The first-level area a place lies in."""
    chain = [a for a in gz.ancestors(place.key) if a.kind is PlaceKind.PROVINCE]
    return chain[-1].key if chain else None

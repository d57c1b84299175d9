"""Numbers over the events an answer found: counts, sums of reported fatalities, breakdowns by type
and rankings of places at a level of the hierarchy (first-level subdivision, district, country).

Every number is over exactly the events the answer's search found (the same filter), so "12
events" and the list under it never disagree. Fatalities are the sources' reported figures:
events without a figure are counted, never guessed, and the answer says how many had one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind
from bot.domain.questions.ports import EventFact

TOP = 10  # places in a ranking
BREAKDOWN = 4  # kinds or areas named in a one-line breakdown (the rest as "other")
_LEVEL_KIND = {
    "province": PlaceKind.PROVINCE,
    "district": PlaceKind.DISTRICT,
    "country": PlaceKind.COUNTRY,
}


@dataclass(frozen=True, slots=True)
class Share:
    """One line of a breakdown or ranking: a name, its events and their reported deaths."""

    name: str
    events: int
    killed: int = 0


@dataclass(frozen=True, slots=True)
class Tally:
    """Numbers over the events an answer found."""

    events: int
    killed: int  # sum of reported fatalities
    with_figure: int  # events that reported a fatality figure (zero included)
    capped: bool  # more events matched than were counted (the numbers are a floor)
    by_type: tuple[Share, ...] = ()
    by_area: tuple[Share, ...] = ()
    area_level: str = ""


def _type_name(fact: EventFact) -> str:
    return fact.sub_event_type or fact.event_type or "untyped"


def area_of(gazetteer: Gazetteer, key: str | None, level: str) -> str:
    """The name of the place's area at a level ("province": its first-level subdivision)."""
    if key is None:
        return "unplaced"
    place = gazetteer.get(key)
    if place is None:
        return "unplaced"
    if level == "place":
        return place.name
    kind = _LEVEL_KIND.get(level, PlaceKind.PROVINCE)
    if place.kind is kind:
        return place.name
    for up in gazetteer.ancestors(key):
        if up.kind is kind:
            return up.name
    return "unplaced" if kind is not PlaceKind.COUNTRY else place.name


def tally(
    facts: Sequence[EventFact],
    gazetteer: Gazetteer,
    *,
    capped: bool = False,
    level: str = "",
    rank_by: str = "events",
    top: int = TOP,
) -> Tally:
    """Counts and sums over the facts; a ranking of areas at `level` when one is asked for."""
    killed = sum(f.fatalities or 0 for f in facts)
    with_figure = sum(1 for f in facts if f.fatalities is not None)
    types = Counter(_type_name(f) for f in facts)
    by_type = tuple(Share(name, n) for name, n in types.most_common())
    by_area: tuple[Share, ...] = ()
    if level:
        names: dict[str | None, str] = {}
        events: Counter[str] = Counter()
        deaths: Counter[str] = Counter()
        for f in facts:
            if f.place_key not in names:
                names[f.place_key] = area_of(gazetteer, f.place_key, level)
            name = names[f.place_key]
            events[name] += 1
            deaths[name] += f.fatalities or 0
        order = sorted(
            events,
            key=lambda n: (-(deaths[n] if rank_by == "killed" else events[n]), -events[n], n),
        )
        by_area = tuple(Share(n, events[n], deaths[n]) for n in order[:top])
    return Tally(len(facts), killed, with_figure, capped, by_type, by_area, level)


def one_line(shares: Sequence[Share], limit: int = BREAKDOWN) -> tuple[Share, ...]:
    """The first shares of a breakdown and, when there are more, one "other" share for the rest."""
    head = tuple(shares[:limit])
    rest = sum(s.events for s in shares[limit:])
    return head + ((Share("other", rest),) if rest else ())

"""Choosing among places that share a name: the deployment's focus, the other places of the
same text, administrative level, then how many people live there.

Otherwise the country where the name stands for the most prominent place wins (``standing``:
people, level, curation), and there a province before a crossing, a town, a district.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.domain.places.model import KIND_RANK, Place, PlaceKind


@dataclass(frozen=True, slots=True)
class Context:
    """Where the rest of a text is: countries and first-level areas already placed."""

    countries: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()  # keys of first-level subdivisions

    def with_places(
        self, places: Iterable[Place], area_of: Callable[[Place], str | None]
    ) -> Context:
        """This context with more places' countries and areas."""
        ps = list(places)
        return Context(
            self.countries | {p.country for p in ps if p.country},
            self.areas | {a for p in ps if (a := area_of(p)) is not None},
        )


@dataclass(slots=True)
class Ranker:
    """Orders candidate places; `area_of` gives a place's first-level subdivision key."""

    focus: frozenset[str]
    area_of: Callable[[Place], str | None]

    def order(
        self, places: list[Place], context: Context | None = None, prefer_city: bool = False
    ) -> list[Place]:
        """The candidates best first."""
        if len(places) <= 1:
            return places
        ctx = context or Context()

        weight: dict[str, float] = {}
        for p in places:
            weight[p.country] = max(weight.get(p.country, -99.0), standing(p))

        def key(p: Place) -> tuple[int, int, int, float, int, int, str]:
            kind = KIND_RANK[p.kind]
            if prefer_city and p.kind is PlaceKind.TOWN:
                kind = -1
            return (
                0 if not self.focus or p.country in self.focus else 1,
                0 if self.area_of(p) in ctx.areas else 1,
                0 if p.country in ctx.countries else 1,
                -weight[p.country],  # the country where the name weighs most
                kind,  # there: a province before a crossing, a town, a district
                -_people(p),
                p.key,
            )

        return sorted(places, key=key)


# How much a kind of place counts beside its population (log10 of its people): a country
# always wins; a province a little over a town of the same size; curated places (crossings,
# camps, bases an editor added) over namesakes from the bulk data.
KIND_BONUS = {
    PlaceKind.COUNTRY: 20.0,
    PlaceKind.PROVINCE: 0.5,
    PlaceKind.CROSSING: 1.0,
    PlaceKind.TOWN: 0.0,
    PlaceKind.DISTRICT: -0.3,
    PlaceKind.OTHER: 0.0,
}
CURATED_BONUS = 2.0
AREA_PEOPLE = 10_000  # an area whose towns the data lacks still holds people
CURATED_PEOPLE = 10_000  # a curated place without a population counts as a small town
SPELLING_PENALTY = 1.0  # a name matched only as a variant spelling counts this much less
CITY_BONUS = 3.0


def standing(place: Place) -> float:
    """How prominent a place is when nothing else decides: people, kind, curation."""
    people = _people(place)
    bonus = 0.0
    if place.kind in (PlaceKind.PROVINCE, PlaceKind.DISTRICT):
        people = max(people, AREA_PEOPLE)
    if place.source.startswith("curated"):
        bonus, people = CURATED_BONUS, max(people, CURATED_PEOPLE)
    return math.log10(people + 1) + KIND_BONUS[place.kind] + bonus


def frequency_allowed(kind: PlaceKind, population: int, curated: bool) -> float:
    """The highest word frequency (Zipf) a name of such a place may have and still be read
    as the place: "Paris" stays a city, "Sedan" and "Take" stay words."""
    if curated or kind in (PlaceKind.COUNTRY, PlaceKind.PROVINCE):
        return 99.0
    if population >= 500_000:
        return 5.5
    if population >= 100_000:
        return 4.5
    if kind is PlaceKind.DISTRICT or population >= 50_000:
        return 4.0
    return 3.5


def importance(place: Place, focus: frozenset[str]) -> float:
    """A bonus (0–10) for "did you mean" lists: focus, curated, areas, many people."""
    bonus = 4.0 if focus and place.country in focus else 0.0
    if place.source.startswith("curated") or place.kind in (PlaceKind.COUNTRY, PlaceKind.PROVINCE):
        bonus += 3.0
    return bonus + min(3.0, math.log10(_people(place) + 1) / 2)


def likeliest(
    scored: list[tuple[float, Place | None]], focus: frozenset[str], limit: int
) -> list[Place]:
    """Typo candidates (name similarity, place) best first: similarity plus ``importance``,
    each place once."""
    best: dict[str, tuple[float, Place]] = {}
    for score, place in scored:
        if place is None:
            continue
        total = score + importance(place, focus)
        if total > best.get(place.key, (-1.0, place))[0]:
            best[place.key] = (total, place)
    ranked = sorted(best.values(), key=lambda sp: (-sp[0], sp[1].name, sp[1].key))
    return [place for _, place in ranked[:limit]]


def _people(place: Place) -> int:
    return place.population or 0

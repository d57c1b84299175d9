"""Choosing among places that share a name: the deployment's focus, the other places of the
same text, administrative level, then how many people live there.

Curated places (crossings, camps, bases an editor added) win over namesakes from the bulk
data; among the rest a province beats a town and a town a district, then the bigger wins.
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

        def key(p: Place) -> tuple[int, int, int, int, int, int, str]:
            kind = KIND_RANK[p.kind]
            if prefer_city and p.kind is PlaceKind.TOWN:
                kind = -1
            return (
                0 if not self.focus or p.country in self.focus else 1,
                0 if self.area_of(p) in ctx.areas else 1,
                0 if p.country in ctx.countries else 1,
                0 if p.source.startswith("curated") else 1,
                kind,
                -_people(p),
                p.key,
            )

        return sorted(places, key=key)


def importance(place: Place, focus: frozenset[str]) -> float:
    """A bonus (0–10) for "did you mean" lists: focus, curated, areas, many people."""
    bonus = 4.0 if focus and place.country in focus else 0.0
    if place.source.startswith("curated") or place.kind in (PlaceKind.COUNTRY, PlaceKind.PROVINCE):
        bonus += 3.0
    return bonus + min(3.0, math.log10(_people(place) + 1) / 2)


def _people(place: Place) -> int:
    return place.population or 0

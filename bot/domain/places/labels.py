"""How a place is described to readers: its kind and the areas it lies in, each area by its own
kind word ("city · North Darfur state · Sudan", "border crossing to Iran · Herat province")."""

from __future__ import annotations

from bot.domain.places.model import Place, PlaceKind
from bot.domain.places.names import clean, normalize, split_words

CITY_POPULATION = 100_000  # a town this big is called a city


def area_name(place: Place) -> str:
    """A name with an area's own kind word: "North Darfur state", "Herat province"."""
    if place.kind not in (PlaceKind.PROVINCE, PlaceKind.DISTRICT):
        return place.name
    word = place.kind_name or str(place.kind)
    if normalize(word) in split_words(clean(place.name)):
        return place.name  # "Kharkivska oblast", "Bakhmut Raion" already say it
    return f"{place.name} {word}"


def kind_phrase(place: Place, neighbour: Place | None = None) -> str:
    """What sort of place it is, in words ("city", "oblast", "border crossing to Chad")."""
    if place.kind is PlaceKind.CROSSING:
        return f"border crossing to {neighbour.name}" if neighbour else "border crossing"
    if place.kind is PlaceKind.TOWN:
        return "city" if (place.population or 0) >= CITY_POPULATION else "town"
    if place.kind in (PlaceKind.PROVINCE, PlaceKind.DISTRICT) and place.kind_name:
        return place.kind_name
    return str(place.kind) if place.kind is not PlaceKind.OTHER else "place"


def context_label(place: Place, ancestors: list[Place], neighbour: Place | None) -> str:
    """The kind phrase, then the areas a place lies in (a town's district unless it is named
    after the town), up to the country."""
    parts = [kind_phrase(place, neighbour)]
    for anc in ancestors:
        if anc.kind is PlaceKind.DISTRICT and place.kind is not PlaceKind.TOWN:
            continue
        if anc.kind is PlaceKind.DISTRICT and normalize(anc.name) == normalize(place.name):
            continue
        parts.append(area_name(anc))
    return " · ".join(parts)

"""The place records of the gazetteer: kinds, entries, mentions and their JSON form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class PlaceKind(StrEnum):
    """What sort of place an entry is."""

    COUNTRY = "country"
    PROVINCE = "province"
    DISTRICT = "district"
    TOWN = "town"
    CROSSING = "crossing"
    OTHER = "other"


# Which place wins when one name fits several: lower is better.
KIND_RANK = {
    PlaceKind.COUNTRY: 0,
    PlaceKind.PROVINCE: 1,
    PlaceKind.CROSSING: 2,
    PlaceKind.TOWN: 3,
    PlaceKind.DISTRICT: 4,
    PlaceKind.OTHER: 5,
}

# Extra index-only names generated per kind ("{}" is each name of the place).
KIND_FORMS: dict[PlaceKind, tuple[str, ...]] = {
    PlaceKind.COUNTRY: ("{} border",),
    PlaceKind.PROVINCE: ("{} province", "province of {}", "ولایت {}", "{} ولایت"),
    PlaceKind.DISTRICT: ("{} district", "district of {}", "ولسوالی {}", "{} ولسوالی"),
    PlaceKind.TOWN: ("{} city", "{} town", "city of {}", "town of {}", "شهر {}"),
    PlaceKind.CROSSING: (
        "{} crossing",
        "{} border crossing",
        "{} crossing point",
        "{} border point",
        "{} border",
        "{} port",
        "{} gate",
    ),
    PlaceKind.OTHER: (),
}


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry (country, province, district, town, border crossing or other)."""

    key: str
    name: str
    kind: PlaceKind
    parent: str | None
    country: str
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()
    names_local: tuple[str, ...] = ()
    borders: str | None = None
    population: int | None = None
    source: str = "curated"
    kind_name: str | None = None  # the area's own kind word: "oblast", "state", "governorate"
    tz: str | None = None  # IANA time zone

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        """Build a place from its JSON form (as stored in gazetteer.json)."""
        return cls(
            key=str(data["key"]),
            name=str(data["name"]),
            kind=PlaceKind(data["kind"]),
            parent=data.get("parent"),
            country=str(data["country"]),
            lat=None if data.get("lat") is None else float(data["lat"]),
            lon=None if data.get("lon") is None else float(data["lon"]),
            aliases=tuple(data.get("aliases") or ()),
            names_local=tuple(data.get("names_local") or ()),
            borders=data.get("borders"),
            population=None if data.get("population") is None else int(data["population"]),
            source=str(data.get("source") or "curated"),
            kind_name=data.get("kind_name"),
            tz=data.get("tz"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of this place."""
        return {
            "key": self.key,
            "name": self.name,
            "kind": str(self.kind),
            "parent": self.parent,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "aliases": list(self.aliases),
            "names_local": list(self.names_local),
            "borders": self.borders,
            "population": self.population,
            "source": self.source,
            "kind_name": self.kind_name,
            "tz": self.tz,
        }

    def all_names(self) -> tuple[str, ...]:
        """Display name, aliases and local-script names."""
        return (self.name, *self.aliases, *self.names_local)


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place found in a text: character span, the text matched and how sure (0-100)."""

    place: Place
    start: int
    end: int
    matched: str
    score: float


def load_places_json(text: str) -> list[Place]:
    """Parse the gazetteer JSON document into places."""
    data = json.loads(text)
    rows = data["places"] if isinstance(data, dict) else data
    return [Place.from_dict(row) for row in rows]

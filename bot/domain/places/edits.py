"""Reading an admin's "/places add" line: NAME | PARENT [| LAT, LON] [| ALIAS, ALIAS]."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

COORDS = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[, ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class NewPlace:
    """The fields of a place to add, as the admin wrote them (the parent not yet resolved)."""

    name: str
    parent: str | None
    lat: float | None = None
    lon: float | None = None
    aliases: list[str] = field(default_factory=list)


def read_new_place(text: str) -> NewPlace:
    """Split the fields; the third and fourth are coordinates or a comma-separated alias list."""
    parts = [p.strip() for p in text.split("|")]
    lat = lon = None
    aliases: list[str] = []
    for extra in parts[2:4]:
        match = COORDS.match(extra)
        if match:
            lat, lon = float(match.group(1)), float(match.group(2))
        elif extra:
            aliases = [a.strip() for a in extra.split(",") if a.strip()]
    parent = parts[1] if len(parts) > 1 else None
    return NewPlace(parts[0], parent, lat, lon, aliases)


def read_alias(text: str) -> tuple[str, str]:
    """The place name and the new alias of "PLACE | ALIAS"."""
    name, _, alias = (p.strip() for p in text.partition("|"))
    return name, alias

"""The time zones a reader is offered: those of the deployment's focus countries and of the
reader's own places, most populous first, then a few of the world's; any other by name."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable

from bot.domain.places.gazetteer import Gazetteer

WORLD_ZONES: tuple[str, ...] = ("UTC", "Europe/London", "America/New_York")
MAX_ZONES = 12
PER_COUNTRY = 3


@functools.cache
def known_zones() -> frozenset[str]:
    """Every IANA time zone name this system knows."""
    return frozenset(zoneinfo.available_timezones())


def zone_choices(gazetteer: Gazetteer, place_keys: Iterable[str]) -> tuple[str, ...]:
    """Zones to offer as buttons: the reader's places', the focus countries', the world's."""
    out: list[str] = []
    countries: list[str] = []
    for key in place_keys:
        place = gazetteer.get(key)
        if place is None:
            continue
        if place.tz:
            out.append(place.tz)
        if place.country and place.country not in countries:
            countries.append(place.country)
    countries.extend(c for c in sorted(gazetteer.focus) if c not in countries)
    for country in countries:
        out.extend(gazetteer.zones(country)[:PER_COUNTRY])
    out.extend(WORLD_ZONES)
    known = known_zones()
    return tuple(z for z in dict.fromkeys(out) if z in known)[:MAX_ZONES]


def zone_arg(zone: str) -> str:
    """A zone name as callback data ("/" is not allowed there): Asia/Kabul -> Asia.Kabul."""
    return zone.replace("/", ".")


def zone_from_arg(arg: str) -> str | None:
    """The zone a callback argument names, or None for anything that is not a known zone."""
    zone = arg.replace(".", "/")
    return zone if zone in known_zones() else None

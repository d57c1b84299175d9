"""ACLED rows placed by the world gazetteer look for their admin areas inside the row's country:
a province name another country also uses, or two provinces of one name in the same country
(a city with a province's status and the province around it), still place the row's town."""

from __future__ import annotations

import pytest

from bot.domain.bulk.placing import PlaceResolver
from bot.domain.bulk.types import ImportReport, PlaceHint
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind
from bot.store.atlas import world_gazetteer


@pytest.fixture(scope="module")
def world() -> Gazetteer:
    return world_gazetteer()


def _hint_for(world: Gazetteer, name: str, country: str) -> tuple[str, PlaceHint]:
    """The town called `name` in `country`, and a row naming it as an ACLED export would."""
    for key in world.keys_named([name])[name]:
        chain = {a.kind: a.name for a in world.ancestors(key)}
        if chain.get(PlaceKind.COUNTRY) == country:
            town = world.get(key)
            assert town is not None
            admins = (chain.get(PlaceKind.PROVINCE, ""), chain.get(PlaceKind.DISTRICT, ""), "")
            return key, PlaceHint(
                as_written=name, admins=admins, lat=town.lat, lon=town.lon, in_country=country
            )
    raise AssertionError(f"the world gazetteer has no {name} in {country}")


@pytest.mark.parametrize(
    ("town", "country"),
    [
        ("Shalyhyne", "Ukraine"),  # in Sumy province; Soum is a province of Burkina Faso
        ("Pukhivka", "Ukraine"),  # in Kyiv province, not in Kyiv the city
    ],
)
def test_an_acled_row_is_placed_inside_its_country(world: Gazetteer, town: str, country: str):
    key, hint = _hint_for(world, town, country)
    resolver = PlaceResolver(world.copy(), store=None, report=ImportReport())  # type: ignore[arg-type]
    resolver.prefetch([town])
    assert resolver.known(hint) == (key, hint.precision)

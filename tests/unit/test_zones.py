"""The time zones offered as buttons: the reader's places', the focus countries', the world's."""

from __future__ import annotations

import pytest

from bot.domain.people.zones import WORLD_ZONES, zone_arg, zone_choices, zone_from_arg
from bot.store.atlas import world_gazetteer


@pytest.mark.parametrize(
    ("focus", "places", "first", "also"),
    [
        ((), ["herat"], "Asia/Kabul", {"UTC"}),
        (("SD", "TD"), [], "Africa/Khartoum", {"Africa/Ndjamena", "UTC"}),
        (("UA",), [], "Europe/Kyiv", {"Europe/London"}),
        ((), [], "UTC", set(WORLD_ZONES)),
        (("AF",), ["north-darfur"], "Africa/Khartoum", {"Asia/Kabul"}),
    ],
)
def test_zone_choices(
    focus: tuple[str, ...], places: list[str], first: str, also: set[str]
) -> None:
    zones = zone_choices(world_gazetteer(focus), places)
    assert zones[0] == first and also <= set(zones) and len(zones) <= 12
    assert all(zone_from_arg(zone_arg(z)) == z for z in zones)


@pytest.mark.parametrize("arg", ["Asia.Narnia", "", "../etc", "Asia.Kabul.", "0"])
def test_unknown_zone_args_are_refused(arg: str) -> None:
    assert zone_from_arg(arg) is None

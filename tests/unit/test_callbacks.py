"""Callback-data codecs: every button's data reads back as the button; tampered data is refused."""

from __future__ import annotations

import pytest

from bot.domain.people.settings import QUIET_PRESETS, quiet_window, valid_delivery_minute
from bot.domain.people.subscriptions import EVENT_TYPES
from bot.domain.places.edits import read_alias, read_new_place
from bot.telegram.callbacks import MAX_DATA
from bot.telegram.callbacks.answers import MoreButton, SubscribeButton
from bot.telegram.callbacks.settings import (
    SettingsAction,
    SettingsButton,
    parse_settings,
    split_settings,
)

Act = SettingsAction


@pytest.mark.parametrize(
    "button",
    [
        SettingsButton(Act.MENU),
        SettingsButton(Act.TIME),
        SettingsButton(Act.HOUR, 0),
        SettingsButton(Act.HOUR, 23),
        SettingsButton(Act.MINUTE, 0),
        SettingsButton(Act.MINUTE, 570),
        SettingsButton(Act.MINUTE, 1410),
        SettingsButton(Act.ZONES),
        SettingsButton(Act.ZONE, "Asia.Kabul"),
        SettingsButton(Act.ZONE, "America.Argentina.Buenos_Aires"),
        SettingsButton(Act.ZONE, "America.Port-au-Prince"),
        SettingsButton(Act.ZONE, "Etc.GMT+3"),
        SettingsButton(Act.ZONE, "UTC"),
        SettingsButton(Act.PLACES),
        SettingsButton(Act.PLACE_REMOVE, "islam-qala"),
        SettingsButton(Act.TYPES),
        SettingsButton(Act.TYPE_TOGGLE, len(EVENT_TYPES) - 1),
        SettingsButton(Act.EMPTY_NOTE),
        SettingsButton(Act.FLASH),
        SettingsButton(Act.QUIET),
        SettingsButton(Act.QUIET_SET, len(QUIET_PRESETS) - 1),
        SettingsButton(Act.PAUSE),
    ],
)
def test_settings_buttons_round_trip(button: SettingsButton) -> None:
    data = button.encode()
    assert data.startswith("s:") and len(data.encode()) <= MAX_DATA
    assert SettingsButton.decode(data) == button


@pytest.mark.parametrize(
    ("data", "well_formed"),
    [
        ("", False),
        (None, False),
        ("s:", False),
        ("x:menu", False),
        ("s:menu:", False),
        ("s:MENU", False),
        ("s:toolong", False),
        ("s:h:../x", False),
        ("s:pr:" + "a" * 41, False),
        ("s:h:<b>", False),
        ("s:nope", True),  # well formed, no such action
        ("s:menu:1", True),  # an argument the action does not take
        ("s:h", True),  # missing argument
        ("s:h:24", True),
        ("s:h:x", True),
        ("s:t:45", True),  # not a half hour
        ("s:t:1440", True),
        ("s:z:0", True),  # zones go by name now
        ("s:z:Asia.Narnia", True),
        ("s:z:Asia.Kabul.", True),
        ("s:z:Asia/Kabul", False),
        ("s:tt:" + str(len(EVENT_TYPES)), True),
        ("s:qs:" + str(len(QUIET_PRESETS)), True),
        ("s:qs:-1", True),
    ],
)
def test_tampered_settings_data_is_refused(data: str | None, well_formed: bool) -> None:
    parts = split_settings(data)
    assert (parts is not None) == well_formed
    if parts is not None:
        assert parse_settings(*parts) is None
    assert SettingsButton.decode(data) is None


@pytest.mark.parametrize("key", ["herat", "islam-qala", "a" * 40])
def test_subscribe_button_round_trip(key: str) -> None:
    assert SubscribeButton.decode(SubscribeButton(key).encode()) == SubscribeButton(key)


@pytest.mark.parametrize(
    "data", [None, "", "sub:", "sub:Herat", "sub:a b", "sub:" + "a" * 41, "sub:herat\n", "s:herat"]
)
def test_tampered_subscribe_data_is_refused(data: str | None) -> None:
    assert SubscribeButton.decode(data) is None


@pytest.mark.parametrize("token", ["deadbeef", "00000000", "1a2b3c4d"])
def test_more_button_round_trip(token: str) -> None:
    assert MoreButton.decode(MoreButton(token).encode()) == MoreButton(token)


@pytest.mark.parametrize(
    "data", [None, "", "more:", "more:DEADBEEF", "more:../../x", "more:" + "f" * 64, "more:abc"]
)
def test_tampered_more_data_is_refused(data: str | None) -> None:
    assert MoreButton.decode(data) is None


@pytest.mark.parametrize(
    ("minute", "valid"), [(0, True), (30, True), (1410, True), (15, False), (1440, False)]
)
def test_delivery_minutes(minute: int, valid: bool) -> None:
    assert valid_delivery_minute(minute) is valid


def test_quiet_presets() -> None:
    assert quiet_window(0) == (None, None)
    assert quiet_window(1) == (22 * 60, 7 * 60)


@pytest.mark.parametrize(
    ("text", "name", "parent", "coords", "aliases"),
    [
        ("Somewhere", "Somewhere", None, (None, None), []),
        ("A | Herat", "A", "Herat", (None, None), []),
        ("A | Herat | 34.65, 61.1", "A", "Herat", (34.65, 61.1), []),
        ("A | Herat | x, y | 34.6 61.1", "A", "Herat", (34.6, 61.1), ["x", "y"]),
    ],
)
def test_read_new_place(
    text: str,
    name: str,
    parent: str | None,
    coords: tuple[float | None, float | None],
    aliases: list[str],
) -> None:
    new = read_new_place(text)
    assert (new.name, new.parent, (new.lat, new.lon), new.aliases) == (
        name,
        parent,
        coords,
        aliases,
    )


def test_read_alias() -> None:
    assert read_alias("Islam Qala | Port <x>") == ("Islam Qala", "Port <x>")

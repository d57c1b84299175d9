"""The /settings buttons' data: "s:<action>[:<arg>]".

Reading is two steps, as the handler needs them: `split_settings` checks the shape, and
`parse_settings` checks that the argument fits the action (`SettingsButton.decode` does both).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.people.settings import QUIET_PRESETS, valid_delivery_minute
from bot.domain.people.subscriptions import EVENT_TYPES, WEEKDAYS
from bot.domain.people.zones import zone_from_arg

SETTINGS_PATTERN = r"^s:"

_SETTINGS = re.compile(r"^s:([a-z]{1,6})(?::([A-Za-z0-9_.+-]{1,40}))?$")


class SettingsAction(StrEnum):
    """What a /settings button does; the value is its code in the callback data."""

    MENU = "menu"
    TIME = "time"
    HOUR = "h"
    MINUTE = "t"
    ZONES = "tz"
    ZONE = "z"
    PLACES = "pl"
    PLACE_REMOVE = "pr"
    TYPES = "ty"
    TYPE_TOGGLE = "tt"
    EMPTY_NOTE = "en"
    FLASH = "fl"
    QUIET = "q"
    QUIET_SET = "qs"
    PAUSE = "ps"
    WEEKLY = "wk"
    WEEKLY_SET = "ws"


@dataclass(frozen=True)
class SettingsButton:
    """One /settings button: an action and its argument (a number or a place key) if it has one."""

    action: SettingsAction
    arg: int | str | None = None

    def encode(self) -> str:
        """The callback data, e.g. "s:menu" or "s:h:9"."""
        return f"s:{self.action.value}" if self.arg is None else f"s:{self.action.value}:{self.arg}"

    @classmethod
    def decode(cls, data: str | None) -> SettingsButton | None:
        """Settings callback data read in one go (both steps), or None."""
        parts = split_settings(data)
        return parse_settings(*parts) if parts else None

    @property
    def number(self) -> int:
        """The numeric argument (hour, minute, index)."""
        if not isinstance(self.arg, int):
            raise ValueError(f"{self.action} has no numeric argument")
        return self.arg

    @property
    def key(self) -> str:
        """The text argument (a place key)."""
        if not isinstance(self.arg, str):
            raise ValueError(f"{self.action} has no key argument")
        return self.arg


ArgParser = Callable[[SettingsAction, str | None], SettingsButton | None]


def _bare(action: SettingsAction, arg: str | None) -> SettingsButton | None:
    return SettingsButton(action) if arg is None else None


def _number(accept: Callable[[int], bool]) -> ArgParser:
    def parse(action: SettingsAction, arg: str | None) -> SettingsButton | None:
        if arg is None or not arg.isdigit() or not accept(int(arg)):
            return None
        return SettingsButton(action, int(arg))

    return parse


def _index(size: int) -> ArgParser:
    return _number(lambda n: n < size)


def _zone(action: SettingsAction, arg: str | None) -> SettingsButton | None:
    """A time zone by name, "." for "/" ("Asia.Kabul"); unknown names are tampering."""
    return SettingsButton(action, arg) if arg is not None and zone_from_arg(arg) else None


def _key(action: SettingsAction, arg: str | None) -> SettingsButton | None:
    return SettingsButton(action, arg) if arg is not None else None


ARG_PARSERS: dict[SettingsAction, ArgParser] = {
    SettingsAction.MENU: _bare,
    SettingsAction.TIME: _bare,
    SettingsAction.HOUR: _number(lambda n: 0 <= n < 24),
    SettingsAction.MINUTE: _number(valid_delivery_minute),
    SettingsAction.ZONES: _bare,
    SettingsAction.ZONE: _zone,
    SettingsAction.PLACES: _bare,
    SettingsAction.PLACE_REMOVE: _key,
    SettingsAction.TYPES: _bare,
    SettingsAction.TYPE_TOGGLE: _index(len(EVENT_TYPES)),
    SettingsAction.EMPTY_NOTE: _bare,
    SettingsAction.FLASH: _bare,
    SettingsAction.QUIET: _bare,
    SettingsAction.QUIET_SET: _index(len(QUIET_PRESETS)),
    SettingsAction.PAUSE: _bare,
    SettingsAction.WEEKLY: _bare,
    SettingsAction.WEEKLY_SET: _index(WEEKDAYS + 1),  # 0-6: that weekday; 7: daily
}


def split_settings(data: str | None) -> tuple[str, str | None] | None:
    """The action code and argument of well-formed settings data, else None."""
    match = _SETTINGS.match(data or "")
    return (match.group(1), match.group(2)) if match else None


def parse_settings(code: str, arg: str | None) -> SettingsButton | None:
    """The button for an action code and argument, or None when they do not fit together."""
    try:
        action = SettingsAction(code)
    except ValueError:
        return None
    return ARG_PARSERS[action](action, arg)

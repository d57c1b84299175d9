"""Typed callback-data codecs: every button's data is written and read here, strictly.

Reading is two steps for the settings buttons, as the handler needs them: `split_settings` checks
the shape ("s:<action>[:<arg>]"), and `parse_settings` checks that the argument fits the action.
Anything else (stale, tampered, unknown) reads as None and the handler refuses it politely.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.people.settings import QUIET_PRESETS, valid_delivery_minute
from bot.domain.people.subscriptions import COMMON_ZONES, EVENT_TYPES

MAX_DATA = 64  # Telegram's limit on callback data, in bytes

SETTINGS_PATTERN = r"^s:"
SUBSCRIBE_PATTERN = r"^sub:"
MORE_PATTERN = r"^more:"

_SETTINGS = re.compile(r"^s:([a-z]{1,6})(?::([A-Za-z0-9_-]{1,40}))?$")
_SUBSCRIBE = re.compile(r"sub:([a-z0-9-]{1,40})")
_MORE = re.compile(r"^more:([0-9a-f]{8})$")


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


@dataclass(frozen=True)
class SettingsButton:
    """One /settings button: an action and its argument (a number or a place key) if it has one."""

    action: SettingsAction
    arg: int | str | None = None

    def encode(self) -> str:
        """The callback data, e.g. "s:menu" or "s:h:9"."""
        return f"s:{self.action.value}" if self.arg is None else f"s:{self.action.value}:{self.arg}"

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


def _key(action: SettingsAction, arg: str | None) -> SettingsButton | None:
    return SettingsButton(action, arg) if arg is not None else None


ARG_PARSERS: dict[SettingsAction, ArgParser] = {
    SettingsAction.MENU: _bare,
    SettingsAction.TIME: _bare,
    SettingsAction.HOUR: _number(lambda n: 0 <= n < 24),
    SettingsAction.MINUTE: _number(valid_delivery_minute),
    SettingsAction.ZONES: _bare,
    SettingsAction.ZONE: _index(len(COMMON_ZONES)),
    SettingsAction.PLACES: _bare,
    SettingsAction.PLACE_REMOVE: _key,
    SettingsAction.TYPES: _bare,
    SettingsAction.TYPE_TOGGLE: _index(len(EVENT_TYPES)),
    SettingsAction.EMPTY_NOTE: _bare,
    SettingsAction.FLASH: _bare,
    SettingsAction.QUIET: _bare,
    SettingsAction.QUIET_SET: _index(len(QUIET_PRESETS)),
    SettingsAction.PAUSE: _bare,
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


def decode_settings(data: str | None) -> SettingsButton | None:
    """Settings callback data read in one go (both steps)."""
    parts = split_settings(data)
    return parse_settings(*parts) if parts else None


@dataclass(frozen=True)
class SubscribeButton:
    """The "Subscribe to <place>" button under an answer."""

    place_key: str

    def encode(self) -> str:
        """The callback data, "sub:<place key>" (cut to Telegram's limit)."""
        return f"sub:{self.place_key}"[:MAX_DATA]


def decode_subscribe(data: str | None) -> SubscribeButton | None:
    """The subscribe button for well-formed data, else None."""
    match = _SUBSCRIBE.fullmatch(data or "")
    return SubscribeButton(match.group(1)) if match else None


@dataclass(frozen=True)
class MoreButton:
    """The "More" button of an answer: a token naming the stored next page."""

    token: str

    def encode(self) -> str:
        """The callback data, "more:<token>"."""
        return f"more:{self.token}"


def decode_more(data: str | None) -> MoreButton | None:
    """The "More" button for well-formed data (8 hex digits), else None."""
    match = _MORE.match(data or "")
    return MoreButton(match.group(1)) if match else None

"""The /settings keyboards: the main menu and one sub-menu per setting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup

from bot.domain.editions.schedule import hhmm, offset_label
from bot.domain.people.settings import QUIET_PRESETS
from bot.domain.people.subscriptions import EVENT_TYPES, WEEKDAYS, SubscriptionView
from bot.domain.people.zones import zone_arg
from bot.domain.places.gazetteer import Gazetteer
from bot.telegram.callbacks.settings import SettingsAction as Act
from bot.telegram.callbacks.settings import SettingsButton
from bot.telegram.keyboards import Labels

MESSAGES = "subscriptions_messages.html"
MAX_PLACE_BUTTONS = 20


def _button(label: str, action: Act, arg: int | str | None = None) -> Button:
    return Button(label, callback_data=SettingsButton(action, arg).encode())


def _with_back(
    labels: Labels, rows: list[list[Button]], back: Act = Act.MENU
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([*rows, [_button(labels("back_button"), back)]])


def main_keyboard(labels: Labels, sub: SubscriptionView) -> InlineKeyboardMarkup:
    """The menu under the settings summary."""
    return InlineKeyboardMarkup(
        [
            [
                _button(labels("time_button", time=hhmm(sub.delivery_minute)), Act.TIME),
                _button(labels("zone_button", zone=sub.timezone), Act.ZONES),
            ],
            [
                _button(labels("places_button", count=len(sub.places)), Act.PLACES),
                _button(labels("types_button", count=len(sub.event_types)), Act.TYPES),
            ],
            [
                _button(labels("empty_note_button", on=sub.empty_note), Act.EMPTY_NOTE),
                _button(labels("flash_button", on=sub.flash_alerts), Act.FLASH),
            ],
            [
                _button(labels("quiet_button"), Act.QUIET),
                _button(labels("pause_button", active=sub.status == "active"), Act.PAUSE),
            ],
            [_button(labels("weekly_button", day=sub.weekly_day), Act.WEEKLY)],
        ]
    )


def weekly_keyboard(labels: Labels) -> InlineKeyboardMarkup:
    """Daily, or weekly on one weekday (Monday first)."""
    days = [_button(labels("weekday_button", day=d), Act.WEEKLY_SET, d) for d in range(WEEKDAYS)]
    daily = [_button(labels("weekday_button", day=None), Act.WEEKLY_SET, WEEKDAYS)]
    return _with_back(labels, [daily, days[:4], days[4:]])


def hours_keyboard(labels: Labels) -> InlineKeyboardMarkup:
    """Four rows of six hours."""
    rows = [
        [_button(labels("hour_button", hour=h), Act.HOUR, h) for h in range(r * 6, r * 6 + 6)]
        for r in range(4)
    ]
    return _with_back(labels, rows)


def minutes_keyboard(labels: Labels, hour: int) -> InlineKeyboardMarkup:
    """The hour and the half hour of one hour."""
    row = [
        _button(labels("minute_button", hour=hour, minute=m), Act.MINUTE, hour * 60 + m)
        for m in (0, 30)
    ]
    return _with_back(labels, [row], back=Act.TIME)


def zones_keyboard(labels: Labels, now: datetime, zones: Sequence[str]) -> InlineKeyboardMarkup:
    """The offered time zones with their UTC offsets now, two a row."""
    buttons = [
        _button(
            labels("zone_choice", zone=z, offset=offset_label(ZoneInfo(z), now)),
            Act.ZONE,
            zone_arg(z),
        )
        for z in zones
    ]
    return _with_back(labels, [buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def places_keyboard(
    labels: Labels, gazetteer: Gazetteer, sub: SubscriptionView
) -> InlineKeyboardMarkup:
    """One button per subscribed place, to remove it."""
    places = ((key, gazetteer.get(key)) for key in sub.places[:MAX_PLACE_BUTTONS])
    rows = [
        [_button(labels("place_remove_button", name=p.name), Act.PLACE_REMOVE, key)]
        for key, p in places
        if p is not None
    ]
    return _with_back(labels, rows)


def types_keyboard(labels: Labels, sub: SubscriptionView) -> InlineKeyboardMarkup:
    """One toggle per event type."""
    rows = [
        [_button(labels("type_button", name=t, on=t in sub.event_types), Act.TYPE_TOGGLE, i)]
        for i, t in enumerate(EVENT_TYPES)
    ]
    return _with_back(labels, rows)


def quiet_keyboard(labels: Labels) -> InlineKeyboardMarkup:
    """Quiet hours off, or one of the presets."""
    names = [
        labels("window", start=hhmm(p[0]), end=hhmm(p[1])) if p else labels("quiet_off_button")
        for p in QUIET_PRESETS
    ]
    return _with_back(labels, [[_button(n, Act.QUIET_SET, i)] for i, n in enumerate(names)])

"""What each /settings button does, one small function per action (looked up in a table).

A press returns the subscription after the change, the keyboard to show (None: the main menu) and
the toast; None when the button no longer fits the subscription (then it is refused).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.domain.editions.schedule import hhmm
from bot.domain.people.ports import SubscriptionSettings
from bot.domain.people.settings import quiet_window, toggled_status
from bot.domain.people.subscriptions import EVENT_TYPES, WEEKDAYS, SubscriptionView
from bot.domain.people.zones import zone_choices, zone_from_arg
from bot.telegram.callbacks.settings import SettingsAction as Act
from bot.telegram.callbacks.settings import SettingsButton, parse_settings
from bot.telegram.context import SitrepContext
from bot.telegram.keyboards import Labels
from bot.telegram.keyboards import subscriptions as kb

PressResult = tuple[SubscriptionView, InlineKeyboardMarkup | None, str]


def labels_of(context: SitrepContext) -> Labels:
    """The labels, toasts and notes of subscribing and /settings."""
    return Labels(context.services.renderer, kb.MESSAGES)


@dataclass(frozen=True)
class Press:
    """One validated settings button pressed in a subscribed chat."""

    context: SitrepContext
    chat_id: int
    sub: SubscriptionView
    button: SettingsButton

    @property
    def subs(self) -> SubscriptionSettings:
        """The subscriptions store."""
        return self.context.services.subscriptions

    @property
    def labels(self) -> Labels:
        """The labels and toasts."""
        return labels_of(self.context)


async def _menu(p: Press) -> PressResult:
    return p.sub, None, ""


async def _time(p: Press) -> PressResult:
    return p.sub, kb.hours_keyboard(p.labels), p.labels("pick_hour")


async def _hour(p: Press) -> PressResult:
    return p.sub, kb.minutes_keyboard(p.labels, p.button.number), p.labels("pick_minutes")


async def _minute(p: Press) -> PressResult:
    minute = p.button.number
    sub = await p.subs.change(p.chat_id, delivery_minute=minute)
    return sub, None, p.labels("delivery_at", time=hhmm(minute))


async def _zones(p: Press) -> PressResult:
    now = p.context.services.clock.now()
    zones = zone_choices(p.context.services.gazetteer, p.sub.places)
    return p.sub, kb.zones_keyboard(p.labels, now, zones), p.labels("pick_zone")


async def _zone(p: Press) -> PressResult | None:
    zone = zone_from_arg(p.button.key)
    if zone is None:  # the codec only lets known zones through
        return None
    return await p.subs.change(p.chat_id, timezone=zone), None, p.labels("zone_toast", zone=zone)


async def _places(p: Press) -> PressResult:
    keyboard = kb.places_keyboard(p.labels, p.context.services.gazetteer, p.sub)
    return p.sub, keyboard, p.labels("places_toast")


async def _place_remove(p: Press) -> PressResult | None:
    if p.button.key not in p.sub.places:
        return None
    return await p.subs.toggle(p.chat_id, "places", p.button.key), None, p.labels("removed_toast")


async def _types(p: Press) -> PressResult:
    return p.sub, kb.types_keyboard(p.labels, p.sub), p.labels("types_toast")


async def _type_toggle(p: Press) -> PressResult:
    updated = await p.subs.toggle(p.chat_id, "event_types", EVENT_TYPES[p.button.number])
    return updated, kb.types_keyboard(p.labels, updated), p.labels("updated_toast")


async def _empty_note(p: Press) -> PressResult:
    sub = await p.subs.change(p.chat_id, empty_note=not p.sub.empty_note)
    return sub, None, p.labels("updated_toast")


async def _flash(p: Press) -> PressResult:
    sub = await p.subs.change(p.chat_id, flash_alerts=not p.sub.flash_alerts)
    return sub, None, p.labels("updated_toast")


async def _quiet(p: Press) -> PressResult:
    return p.sub, kb.quiet_keyboard(p.labels), p.labels("quiet_toast")


async def _quiet_set(p: Press) -> PressResult:
    start, end = quiet_window(p.button.number)
    sub = await p.subs.change(p.chat_id, quiet_start=start, quiet_end=end)
    return sub, None, p.labels("updated_toast")


async def _pause(p: Press) -> PressResult:
    status = toggled_status(p.sub.status)
    sub = await p.subs.change(p.chat_id, status=status)
    return sub, None, p.labels("status_toast", status=status)


async def _weekly(p: Press) -> PressResult:
    return p.sub, kb.weekly_keyboard(p.labels), p.labels("pick_weekday")


async def _weekly_set(p: Press) -> PressResult:
    day = p.button.number if p.button.number < WEEKDAYS else None
    sub = await p.subs.change(p.chat_id, weekly_day=day)
    return sub, None, p.labels("updated_toast")


PRESS_HANDLERS: dict[Act, Callable[[Press], Awaitable[PressResult | None]]] = {
    Act.MENU: _menu,
    Act.TIME: _time,
    Act.HOUR: _hour,
    Act.MINUTE: _minute,
    Act.ZONES: _zones,
    Act.ZONE: _zone,
    Act.PLACES: _places,
    Act.PLACE_REMOVE: _place_remove,
    Act.TYPES: _types,
    Act.TYPE_TOGGLE: _type_toggle,
    Act.EMPTY_NOTE: _empty_note,
    Act.FLASH: _flash,
    Act.QUIET: _quiet,
    Act.QUIET_SET: _quiet_set,
    Act.PAUSE: _pause,
    Act.WEEKLY: _weekly,
    Act.WEEKLY_SET: _weekly_set,
}


async def run_press(
    context: SitrepContext, chat_id: int, sub: SubscriptionView, code: str, arg: str | None
) -> PressResult | None:
    """Carry out one well-formed button; None when its argument does not fit the action."""
    button = parse_settings(code, arg)
    if button is None:
        return None
    return await PRESS_HANDLERS[button.action](Press(context, chat_id, sub, button))

"""Subscriptions as plain data: a view of one, its errors, the zone and event-type catalogues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)
MAX_PLACES = 50
WEEKDAYS = 7


class SubscriptionError(ValueError):
    """A settings change that cannot be made (the message says why)."""


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """A chat's subscription as plain data."""

    chat_id: int
    thread_id: int | None
    status: str
    delivery_minute: int
    timezone: str
    places: tuple[str, ...]
    event_types: tuple[str, ...]
    empty_note: bool
    flash_alerts: bool
    quiet_start: int | None
    quiet_end: int | None
    next_due_at: datetime | None
    last_window_end: datetime | None
    weekly_day: int | None = None  # None: a daily edition; 0-6: weekly on that day (Mon=0)

    @property
    def zone(self) -> ZoneInfo:
        """The subscriber's zone."""
        return ZoneInfo(self.timezone)


def check_zone(name: str) -> str:
    """A valid IANA zone name, or a SubscriptionError."""
    name = name.strip()
    try:
        if not name or len(name) > 64:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SubscriptionError(
            f"“{name[:40]}” is not a time zone I know. Use an IANA name such as Asia/Kabul."
        ) from None
    return name

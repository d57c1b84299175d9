"""Subscription-setting rules that need no store: quiet-hour presets, delivery times, places."""

from __future__ import annotations

import re

from bot.domain.places.gazetteer import Gazetteer

QUIET_PRESETS: tuple[tuple[int, int] | None, ...] = (
    None,
    (22 * 60, 7 * 60),
    (23 * 60, 6 * 60),
    (0, 8 * 60),
)
"""Quiet-hour windows offered on the keyboard (start and end minute of the day); None is off."""

MINUTES_PER_DAY = 24 * 60
DELIVERY_STEP = 30  # delivery times are offered on the hour and the half hour


def valid_delivery_minute(minute: int) -> bool:
    """True for a delivery time the keyboard offers (a whole or half hour of the day)."""
    return 0 <= minute < MINUTES_PER_DAY and minute % DELIVERY_STEP == 0


def quiet_window(index: int) -> tuple[int | None, int | None]:
    """The (start, end) minutes of a quiet-hour preset; (None, None) switches quiet hours off."""
    preset = QUIET_PRESETS[index]
    return preset if preset else (None, None)


def toggled_status(status: str) -> str:
    """The status the pause/resume button switches to."""
    return "paused" if status == "active" else "active"


def resolve_places(gazetteer: Gazetteer, text: str) -> tuple[list[str], list[str]]:
    """Place keys named in `text` (comma-separated or free text), and names not understood."""
    keys: list[str] = []
    unknown: list[str] = []
    for chunk in [c.strip() for c in re.split(r"[,;\n]", text) if c.strip()]:
        place = gazetteer.resolve(chunk)
        if place is None:
            found = [m.place for m in gazetteer.find_in_text(chunk)]
            if not found:
                unknown.append(chunk[:60])
            keys += [p.key for p in found]
        else:
            keys.append(place.key)
    return list(dict.fromkeys(keys)), unknown

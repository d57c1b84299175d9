"""Local delivery times → UTC instants, across daylight-saving changes and half-hour zones."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo


def local_instant(day: date, minute: int, tz: tzinfo) -> datetime:
    """The instant of local `minute` (after midnight) on `day`, in UTC.

    A time skipped by a spring-forward change means the moment the clocks jump (the end of the
    gap); a time repeated in autumn means its first occurrence.
    """
    wall = datetime.combine(day, time(minute // 60, minute % 60))
    utc = wall.replace(tzinfo=tz).astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) == wall:
        return utc
    # Nonexistent local time (DST gap): walk from the earlier reading to the first instant whose
    # local time is at or past the wanted one.
    earlier = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    probe = min(earlier, utc)
    while probe.astimezone(tz).replace(tzinfo=None) < wall:
        probe += timedelta(minutes=1)
    return probe


def next_delivery(minute: int, tz: tzinfo, after: datetime) -> datetime:
    """The first delivery instant strictly after `after` (aware), in UTC."""
    local_day = after.astimezone(tz).date()
    for offset in range(0, 3):
        candidate = local_instant(local_day + timedelta(days=offset), minute, tz)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a local time recurs every day")


def next_due(minute: int, weekly_day: int | None, tz: tzinfo, after: datetime) -> datetime:
    """The next delivery strictly after `after`: daily, or weekly on `weekly_day` (Mon=0)."""
    due = next_delivery(minute, tz, after)
    if weekly_day is None:
        return due
    for _ in range(8):
        if due.astimezone(tz).weekday() == weekly_day:
            return due
        due = next_delivery(minute, tz, due)
    raise AssertionError("unreachable: every weekday recurs within a week")


def parse_hhmm(text: str) -> int | None:
    """Minutes after midnight for "07:00"/"7:30"/"0730", or None."""
    t = text.strip().replace(".", ":")
    if ":" not in t and t.isdigit() and len(t) in (3, 4):
        t = f"{t[:-2]}:{t[-2:]}"
    hh, sep, mm = t.partition(":")
    if not sep or not hh.isdigit() or not mm.isdigit() or len(mm) != 2:
        return None
    h, m = int(hh), int(mm)
    if not (0 <= h < 24 and 0 <= m < 60):
        return None
    return h * 60 + m


def hhmm(minute: int) -> str:
    """ "07:30" for 450."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def offset_label(tz: tzinfo, at: datetime) -> str:
    """ "+4:30" style UTC offset of a zone at an instant."""
    off = at.astimezone(tz).utcoffset() or timedelta(0)
    total = int(off.total_seconds() // 60)
    sign = "+" if total >= 0 else "−"
    total = abs(total)
    return f"{sign}{total // 60}:{total % 60:02d}"


_OFFSET = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")


def zone_name(tz: tzinfo) -> str:
    """An IANA name for a zone, or "UTC+04:30" for a bare offset (as `--now` gives)."""
    key = getattr(tz, "key", None)
    if key:
        return str(key)
    offset = tz.utcoffset(None) or timedelta(0)
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return "UTC" if total == 0 else f"UTC{sign}{total // 60:02d}:{total % 60:02d}"


def zone_of(name: str) -> tzinfo:
    """The zone for an IANA name or a "UTC+04:30" offset name."""
    m = _OFFSET.match(name)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3))
        return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes), name)
    return ZoneInfo(name)

"""Solar Hijri dates (the Afghan and Iranian calendar) as Gregorian days.

"۱۸ سرطان ۱۴۰۰" (18 Saratan, Dari; 18 Tir in Iran) is 9 July 2021.

The year starts at Nowruz (20 or 21 March); months 1–6 have 31 days, 7–11 have 30, the last 29
or 30.  Leap years follow the 2820-year arithmetic of the jalaali algorithm (Borkowski), which
agrees with the astronomical calendar for 1244–1636 SH (1865–2256).
"""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["nowruz", "recent_solar", "solar_to_gregorian"]

_BREAKS = (
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
    2394, 2456, 3178,
)  # fmt: skip


def nowruz(solar_year: int) -> date:
    """The Gregorian day Solar Hijri year `solar_year` starts on."""
    greg_year = solar_year + 621
    leap_solar = -14
    previous = _BREAKS[0]
    jump = 0
    for brk in _BREAKS[1:]:
        jump = brk - previous
        if solar_year < brk:
            break
        leap_solar += (jump // 33) * 8 + (jump % 33) // 4
        previous = brk
    n = solar_year - previous
    leap_solar += (n // 33) * 8 + ((n % 33) + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_solar += 1
    leap_greg = greg_year // 4 - ((greg_year // 100 + 1) * 3) // 4 - 150
    return date(greg_year, 3, 20 + leap_solar - leap_greg)


def solar_to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian day of a Solar Hijri date (ValueError when there is no such day)."""
    if not 1 <= month <= 12 or not 1 <= day <= (31 if month <= 6 else 30):
        raise ValueError(f"no Solar Hijri day {year}-{month}-{day}")
    offset = (month - 1) * 31 - (month // 7) * (month - 7) + day - 1
    found = nowruz(year) + timedelta(days=offset)
    if found >= nowruz(year + 1):
        raise ValueError(f"no Solar Hijri day {year}-{month}-{day}")  # 30 Esfand, not leap
    return found


def recent_solar(month: int, day: int, ref: date) -> date | None:
    """The latest Gregorian day not after `ref` that is `day` `month` in the Solar Hijri year."""
    year = ref.year - 621 if ref >= nowruz(ref.year - 621) else ref.year - 622
    for candidate in (year, year - 1, year - 2):
        try:
            found = solar_to_gregorian(candidate, month, day)
        except ValueError:
            continue
        if found <= ref:
            return found
    return None

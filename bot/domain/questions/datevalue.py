"""Stand-alone date values (ACLED fields): "2021-07-08", "08 July 2021", "July 2021", "2021"."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

from bot.domain.questions.timetypes import FuzzyDate, Precision
from bot.domain.questions.timevocab import MON_RX, MONTHS

log = logging.getLogger(__name__)

_VALUE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_VALUE_YEAR = re.compile(r"^(\d{4})$")
_VALUE_RELATIVE = re.compile(
    r"\b(?:ago|yesterday|today|tomorrow|now|next|last|this)\b", re.IGNORECASE
)
_VALUE_MONTH = re.compile(rf"\b{MON_RX}", re.IGNORECASE)
_PERIODS = {"day": Precision.DAY, "week": Precision.WEEK, "month": Precision.MONTH}


_VALUE_DMY = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9}\.?)[ -](\d{4})$")


def parse_date_value(value: str, *, default_year: int | None = None) -> FuzzyDate | None:
    """Parse a stand-alone date field (`2021-07-08`, `08 July 2021`, `July 2021`, `2021`)."""
    value = value.strip() if isinstance(value, str) else ""
    if not value or len(value) > 64:
        return None
    matched, simple = _simple_value(value)
    if matched:
        return simple
    if _VALUE_RELATIVE.search(value) or not re.search(r"\d", value):
        return None  # relative words need a reference day; a bare month name needs a year
    if _VALUE_MONTH.search(value) is None and len(re.findall(r"\d+", value)) < 3:
        return None  # "12" or "7/8" alone is not a date
    return _parsed_value(value, default_year)


def _simple_value(value: str) -> tuple[bool, FuzzyDate | None]:
    """Whether a value has a shape read without dateparser, and the date it gives (None: bad)."""
    if m := _VALUE_ISO.match(value):
        return True, _day_or_none(int(m[1]), int(m[2]), int(m[3]))
    if m := _VALUE_YEAR.match(value):
        return True, FuzzyDate.year(int(m[1])) if 1 <= int(m[1]) <= 9999 else None
    if (m := _VALUE_DMY.match(value)) and (month := MONTHS.get(m[2].lower().rstrip("."))):
        # ACLED's "08 July 2021" (and "8 Jul 2021"): the common case, without dateparser.
        return True, _day_or_none(int(m[3]), month, int(m[1]))
    return False, None


def _day_or_none(year: int, month: int, day: int) -> FuzzyDate | None:
    try:
        return FuzzyDate.day(date(year, month, day))
    except ValueError:
        return None


def _parsed_value(value: str, default_year: int | None) -> FuzzyDate | None:
    """dateparser on a date value, day first; the year is required unless a default is given."""
    from dateparser.date import DateDataParser  # slow to import: only when needed

    settings: dict[str, object] = {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RELATIVE_BASE": datetime(default_year or 2000, 1, 1),
    }
    if default_year is None:
        settings["REQUIRE_PARTS"] = ["year"]
    try:
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(value)
    except Exception:
        log.debug("dateparser failed on value %r", value, exc_info=True)
        return None
    if data.date_obj is None:
        return None
    d = data.date_obj.date()
    precision = _PERIODS.get(data.period or "day", Precision.YEAR)
    if precision is Precision.MONTH:
        return FuzzyDate.month(d.year, d.month)
    if precision is Precision.YEAR:
        return FuzzyDate.year(d.year)
    return FuzzyDate.day(d) if precision is Precision.DAY else FuzzyDate.week(d)

"""ACLED CSV rows: parse one into an event draft, and write an event back as one."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.domain.bulk.keys import OWN_KEY_PREFIXES
from bot.domain.bulk.notes import SUMMARY_CHARS, summary_of
from bot.domain.bulk.types import KnownPlace, ParsedRow, PlaceHint, RowError
from bot.domain.events.model import (
    EventDraft,
    EventView,
    LocationPrecision,
    Origin,
    SourceInfo,
)
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind
from bot.domain.questions.datevalue import parse_date_value
from bot.domain.questions.timetypes import MONTH_ABBR, MONTH_FULL, FuzzyDate, Precision

REQUIRED_COLUMNS = ("event_date", "location", "notes")
EXPORT_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
)
KEY_PREFIX = "acled:"
HASH_PREFIX = "acled-row:"
MAX_KEY = 128

TIME_PRECISION = {"1": Precision.DAY, "2": Precision.WEEK, "3": Precision.MONTH}
GEO_PRECISION = {
    "1": LocationPrecision.EXACT,
    "2": LocationPrecision.NEAR,
    "3": LocationPrecision.REGION,
}
_TIME_CODE = {Precision.DAY: "1", Precision.WEEK: "2", Precision.MONTH: "3", Precision.YEAR: "3"}
_GEO_CODE = {v: k for k, v in GEO_PRECISION.items()}
_AREAS = frozenset({PlaceKind.COUNTRY, PlaceKind.PROVINCE, PlaceKind.DISTRICT})
_PRECISION_ORDER = (Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.YEAR)

_COUNT = re.compile(r"\d{1,7}")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[\s-]+([A-Za-z]+)\.?[\s,-]+(\d{4})")
_MONTHS = {
    **{m.lower(): i for i, m in enumerate(MONTH_FULL) if m},
    **{m.lower(): i for i, m in enumerate(MONTH_ABBR) if m},
    "sept": 9,
}


def parse_event_date(value: str) -> FuzzyDate:
    """An ACLED event_date (`2021-07-08`, `08 July 2021`, or anything timewords can read)."""
    text = value.strip()
    if not text:
        raise RowError("event_date is empty")
    try:
        if m := _ISO.fullmatch(text):
            return FuzzyDate.day(date(int(m[1]), int(m[2]), int(m[3])))
        if (m := _DMY.fullmatch(text)) and m[2].lower() in _MONTHS:
            return FuzzyDate.day(date(int(m[3]), _MONTHS[m[2].lower()], int(m[1])))
    except ValueError:
        raise RowError(f"unparseable event_date {text!r}") from None
    parsed = parse_date_value(text)
    if parsed is None:
        raise RowError(f"unparseable event_date {text!r}")
    return parsed


def _coarser(a: Precision, b: Precision) -> Precision:
    return max(a, b, key=_PRECISION_ORDER.index)


def _number(row: Mapping[str, str], column: str) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise RowError(f"{column} {text!r} is not a number")
    return value


def coordinates(row: Mapping[str, str]) -> tuple[float | None, float | None]:
    """A row's latitude and longitude (both or neither), checked for range."""
    lat, lon = _number(row, "latitude"), _number(row, "longitude")
    if lat is not None and not -90 <= lat <= 90:
        raise RowError(f"latitude {lat:g} is out of range (−90…90)")
    if lon is not None and not -180 <= lon <= 180:
        raise RowError(f"longitude {lon:g} is out of range (−180…180)")
    if (lat is None) != (lon is None):
        raise RowError("latitude and longitude must be given together")
    return lat, lon


def _fatalities(row: Mapping[str, str]) -> int | None:
    text = (row.get("fatalities") or "").strip()
    if not text:
        return None
    if not _COUNT.fullmatch(text):
        raise RowError(f"fatalities {text!r} is not a whole number ≥ 0")
    return int(text)


def _code(row: Mapping[str, str], column: str, table: Mapping[str, object]) -> str:
    text = (row.get(column) or "").strip() or "1"
    if text not in table:
        raise RowError(f"{column} {text!r} is not 1, 2 or 3")
    return text


def _unique(values: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for v in values:
        v = " ".join(v.split())
        if v and v not in seen:
            seen[v] = None
    return tuple(seen)


def row_key(row: Mapping[str, str], when: FuzzyDate, location: str, notes: str) -> str:
    """`acled:<event_id_cnty>`, or without an id a stable hash of what tells rows apart.

    The hash covers date, location and notes, and the fatalities and sub_event_type when given:
    two real rows with the same notes that differ in either are two events, not one.
    """
    event_id = (row.get("event_id_cnty") or "").strip()
    if event_id:
        # Sitrep's export of an event that is no ACLED row carries its own key (see keys.py)
        key = event_id if event_id.startswith(OWN_KEY_PREFIXES) else KEY_PREFIX + event_id
        if len(key) > MAX_KEY:
            raise RowError(f"event_id_cnty is longer than {MAX_KEY - len(KEY_PREFIX)} characters")
        return key
    text = f"{when.start.isoformat()}|{location}|{notes}"
    fatalities, sub_type = _fatalities(row), _clean(row, "sub_event_type")
    if fatalities is not None or sub_type:
        # rows giving neither keep the key they had before these fields were hashed
        text += f"|{'' if fatalities is None else fatalities}|{sub_type.casefold()}"
    return HASH_PREFIX + hashlib.sha256(text.encode()).hexdigest()[:20]


def _clean(row: Mapping[str, str], column: str) -> str:
    return " ".join((row.get(column) or "").split())


class AcledParser:
    """Parses the rows of one ACLED file; values that repeat across rows are worked out once.

    An export repeats dates, outlets, actor pairs and places thousands of times, so each is
    parsed (and checked) once per file: a bulk import spends its time storing, not re-parsing.
    """

    MEMO_LIMIT = 100_000  # entries per memo before it starts afresh (bounded memory)
    PLACE_COLUMN = "location"  # the column naming a row's place

    @staticmethod
    def place_name(value: str) -> str:
        """The name a row's place is looked up by, from its PLACE_COLUMN."""
        return " ".join(value.split())

    def __init__(self, today: date, known_place: KnownPlace | None = None) -> None:
        self._today = today
        self._known_place = known_place
        self._dates: dict[tuple[str, str], tuple[FuzzyDate, date | None]] = {}
        self._actors: dict[tuple[str, str, str, str], tuple[tuple[str, ...], ...]] = {}
        self._sources: dict[tuple[str, date | None], tuple[SourceInfo, ...]] = {}
        self._hints: dict[tuple[str, ...], PlaceHint] = {}
        self._types: dict[tuple[str, str], tuple[str, str]] = {}
        self._counts: dict[str, int | None] = {}

    @classmethod
    def _remember(cls, memo: dict[Any, Any], key: Any, value: Any) -> None:
        if len(memo) >= cls.MEMO_LIMIT:
            memo.clear()
        memo[key] = value

    def _when(self, row: Mapping[str, str]) -> tuple[FuzzyDate, date | None]:
        key = (row.get("event_date") or "", row.get("time_precision") or "")
        found = self._dates.get(key)
        if found is None:
            day = parse_event_date(key[0])
            stated = TIME_PRECISION[_code(row, "time_precision", TIME_PRECISION)]
            when = FuzzyDate(day.start, _coarser(day.precision, stated))
            if when.first_day() > self._today:
                raise RowError(f"event_date {day.start.isoformat()} is in the future")
            found = (when, day.start if day.precision is Precision.DAY else None)
            self._remember(self._dates, key, found)
        return found

    def _actors_of(self, row: Mapping[str, str]) -> tuple[tuple[str, ...], ...]:
        """(every actor, actor 1 with its associates, actor 2 with its associates)."""
        key = (
            row.get("actor1") or "",
            row.get("actor2") or "",
            row.get("assoc_actor_1") or "",
            row.get("assoc_actor_2") or "",
        )
        found = self._actors.get(key)
        if found is None:
            side1 = _unique([key[0], *key[2].split(";")])
            side2 = _unique([key[1], *key[3].split(";")])
            found = (
                _unique([key[0], key[1], *key[2].split(";"), *key[3].split(";")]),
                side1,
                side2,
            )
            self._remember(self._actors, key, found)
        return found

    def _sources_of(self, row: Mapping[str, str], published: date | None) -> tuple[SourceInfo, ...]:
        key = (row.get("source") or "", published)
        found = self._sources.get(key)
        if found is None:
            found = tuple(
                SourceInfo(outlet=o, published_on=published) for o in _unique(key[0].split(";"))
            )
            self._remember(self._sources, key, found)
        return found

    def _types_of(self, row: Mapping[str, str]) -> tuple[str, str]:
        key = (row.get("event_type") or "", row.get("sub_event_type") or "")
        found = self._types.get(key)
        if found is None:
            found = (" ".join(key[0].split()), " ".join(key[1].split()))
            self._remember(self._types, key, found)
        return found

    def _fatalities_of(self, row: Mapping[str, str]) -> int | None:
        text = row.get("fatalities") or ""
        if text in self._counts:
            return self._counts[text]
        found = _fatalities(row)  # RowError for a bad count: never remembered
        self._remember(self._counts, text, found)
        return found

    def _hint(self, row: Mapping[str, str], location: str) -> PlaceHint:
        key = (
            location,
            row.get("admin1") or "",
            row.get("admin2") or "",
            row.get("admin3") or "",
            row.get("latitude") or "",
            row.get("longitude") or "",
            row.get("geo_precision") or "",
            row.get("country") or "",
        )
        found = self._hints.get(key)
        if found is None:
            geo = GEO_PRECISION[_code(row, "geo_precision", GEO_PRECISION)]
            lat, lon = coordinates(row)
            found = PlaceHint(
                as_written=location,
                admins=(_clean(row, "admin1"), _clean(row, "admin2"), _clean(row, "admin3")),
                lat=lat,
                lon=lon,
                precision=geo,
                in_country=_clean(row, "country"),
            )
            self._remember(self._hints, key, found)
        return found

    def parse(self, row: Mapping[str, str], line: int) -> ParsedRow:
        """Turn one ACLED CSV row (columns lowercased) into a draft; RowError says what is wrong."""
        excerpt = (row.get("notes") or "").strip()
        if not excerpt:
            raise RowError("notes is empty")
        notes = " ".join(excerpt.split())
        location = " ".join((row.get("location") or "").split())
        if not location:
            raise RowError("location is empty")
        when, published = self._when(row)
        hint = self._hint(row, location)
        known = self._known_place(hint) if self._known_place is not None else None
        place_key, precision = known if known is not None else (None, hint.precision)
        actors, actor1, actor2 = self._actors_of(row)
        event_type, sub_event_type = self._types_of(row)
        draft = EventDraft(
            summary=notes if len(notes) <= SUMMARY_CHARS else summary_of(notes),
            when=when,
            place_key=place_key,
            place_text=location,
            location_precision=precision,
            actors=actors,
            actor1=actor1,
            actor2=actor2,
            excerpt=excerpt,
            event_type=event_type,
            sub_event_type=sub_event_type,
            fatalities=self._fatalities_of(row),
            sources=self._sources_of(row, published),
            external_key=row_key(row, when, location, notes),
            origin=Origin.IMPORT,
        )
        return ParsedRow(line=line, draft=draft, place=hint, placed=known is not None)


def parse_acled_row(row: Mapping[str, str], line: int, today: date) -> ParsedRow:
    """Turn one ACLED CSV row (columns lowercased) into a draft; RowError says what is wrong."""
    return AcledParser(today).parse(row, line)


def coordinate_text(value: float | None) -> str:
    """A coordinate as CSV text: up to five decimals, no trailing zeros; empty for None."""
    return "" if value is None else f"{value:.5f}".rstrip("0").rstrip(".")


def _sides(view: EventView) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Actor 1 and actor 2 with their associates; for an event that keeps no sides (added by
    hand before they existed), the first actor, the second, and the rest as associates of 1."""
    if view.actor1 or view.actor2:
        return view.actor1, view.actor2
    actors = view.actors
    return (actors[:1] + actors[2:], actors[1:2])


def notes_of(view: EventView) -> str:
    """The notes an event came with (its excerpt) while its summary is still theirs, else the
    summary as edited."""
    if view.excerpt and summary_of(view.excerpt) == view.summary:
        return view.excerpt
    return view.summary


def acled_record(view: EventView, gazetteer: Gazetteer) -> dict[str, str]:
    """One event as an ACLED CSV row (the columns of EXPORT_COLUMNS)."""
    key = view.external_key or ""
    place = gazetteer.get(view.place_key) if view.place_key else None
    chain = ([place] if place else []) + (gazetteer.ancestors(place.key) if place else [])
    by_kind: dict[PlaceKind, str] = {}
    for p in reversed(chain):
        by_kind.setdefault(p.kind, p.name)
    side1, side2 = _sides(view)
    point = place
    if place is not None and place.kind in _AREAS and view.place_text != place.name:
        point = None  # the event sits somewhere in a district/province, not at its centre
    return {
        "event_id_cnty": key[len(KEY_PREFIX) :] if key.startswith(KEY_PREFIX) else "",
        "event_date": view.when.start.isoformat(),
        "year": str(view.when.start.year),
        "time_precision": _TIME_CODE[view.when.precision],
        "event_type": view.event_type,
        "sub_event_type": view.sub_event_type,
        "actor1": side1[0] if side1 else "",
        "assoc_actor_1": "; ".join(side1[1:]),
        "actor2": side2[0] if side2 else "",
        "assoc_actor_2": "; ".join(side2[1:]),
        "country": by_kind.get(PlaceKind.COUNTRY, ""),
        "admin1": by_kind.get(PlaceKind.PROVINCE, ""),
        "admin2": by_kind.get(PlaceKind.DISTRICT, ""),
        "admin3": "",
        "location": view.place_text or view.place_name,
        "latitude": coordinate_text(point.lat if point else None),
        "longitude": coordinate_text(point.lon if point else None),
        "geo_precision": _GEO_CODE[view.location_precision],
        "source": "; ".join(s.outlet for s in view.sources),
        "source_scale": "",
        "notes": notes_of(view),
        "fatalities": "" if view.fatalities is None else str(view.fatalities),
    }

"""Sitrep's own JSONL event records: write an event as one line, read one line back."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, TypeVar

from bot.domain.bulk.types import NewPlace, ParsedRow, PlaceHint, RowError
from bot.domain.events.model import (
    ClaimStatus,
    EventDraft,
    EventStatus,
    EventView,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind
from bot.domain.questions.timetypes import FuzzyDate, Precision

ADDED_SOURCE = "admin"  # PlaceStore marks places it adds with this source


def _place(view: EventView, gazetteer: Gazetteer) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": view.place_key,
        "name": view.place_name,
        "as_written": view.place_text,
    }
    place = gazetteer.get(view.place_key) if view.place_key else None
    if place is not None and place.source == ADDED_SOURCE:
        out["added"] = {
            "kind": str(place.kind),
            "parent": place.parent,
            "lat": place.lat,
            "lon": place.lon,
        }
    return out


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def event_record(
    view: EventView, key: str, gazetteer: Gazetteer, merged_into: str | None = None
) -> dict[str, Any]:
    """One event in Sitrep's JSONL schema (no database ids; `merged_into`: the export key of the
    event it was merged into)."""
    return {
        "key": key,
        "summary": view.summary,
        "date": {
            "start": view.when.start.isoformat(),
            "end": _iso(view.when.end),
            "precision": str(view.when.precision),
        },
        "place": _place(view, gazetteer),
        "location_precision": str(view.location_precision),
        "actors": list(view.actors),
        "actor1": list(view.actor1),
        "actor2": list(view.actor2),
        "event_type": view.event_type,
        "sub_event_type": view.sub_event_type,
        "severity": str(view.severity),
        "claim_status": str(view.claim_status),
        "claim_note": view.claim_note,
        "fatalities": view.fatalities,
        "injuries": view.injuries,
        "excerpt": view.excerpt,
        "status": str(view.status),
        "retract_reason": view.retract_reason,
        "origin": str(view.origin),
        "reviewed": view.reviewed,
        "sources": [
            {
                "outlet": s.outlet,
                "url": s.url,
                "title": s.title,
                "published_at": _iso(s.published_at),
                "published_on": _iso(s.published_on),
            }
            for s in view.sources
        ],
        "merged_into": merged_into,
    }


def dump_line(record: dict[str, Any]) -> str:
    """A record as one JSON line (UTF-8 text kept readable, field order fixed)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


# ---- reading ------------------------------------------------------------------------------


def _str(data: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise RowError(f"{name} is missing")
        return ""
    if not isinstance(value, str):
        raise RowError(f"{name} must be a string")
    if required and not value.strip():
        raise RowError(f"{name} is empty")
    return value


E = TypeVar("E", Severity, ClaimStatus, EventStatus, LocationPrecision, Origin, Precision)


def _enum(data: dict[str, Any], name: str, kind: type[E], default: E) -> E:
    value = data.get(name)
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise RowError(f"{name} {value!r} is not one of {allowed}") from None


def _day(value: Any, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise RowError(f"{name} {value!r} is not an ISO date") from None


def _instant(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        out = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise RowError(f"{name} {value!r} is not an ISO date-time") from None
    if out.tzinfo is None:
        raise RowError(f"{name} {value!r} has no UTC offset")
    return out


def _when(data: dict[str, Any]) -> FuzzyDate:
    raw = data.get("date")
    if not isinstance(raw, dict):
        raise RowError("date must be an object {start, end, precision}")
    start = _day(raw.get("start"), "date.start")
    if start is None:
        raise RowError("date.start is missing")
    try:
        return FuzzyDate(
            start,
            _enum(raw, "precision", Precision, Precision.DAY),
            _day(raw.get("end"), "date.end"),
        )
    except ValueError as exc:
        raise RowError(str(exc)) from None


def _number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RowError(f"{name} must be a number")
    return float(value)


def _hint(data: dict[str, Any], precision: LocationPrecision) -> PlaceHint:
    raw = data.get("place") or {}
    if not isinstance(raw, dict):
        raise RowError("place must be an object {key, name, as_written}")
    key = _str(raw, "key") or None
    name = _str(raw, "name")
    as_written = _str(raw, "as_written")
    new_place = None
    added = raw.get("added")
    if isinstance(added, dict) and key:
        kind = _str(added, "kind") or "other"
        if kind not in {k.value for k in PlaceKind}:
            raise RowError(f"place.added.kind {kind!r} is not a place kind")
        new_place = NewPlace(
            name=name or as_written,
            kind=kind,
            parent=_str(added, "parent") or None,
            lat=_number(added.get("lat"), "place.added.lat"),
            lon=_number(added.get("lon"), "place.added.lon"),
        )
    return PlaceHint(
        as_written=as_written or name,
        key=key,
        precision=precision,
        new_place=new_place,
        exact=True,
    )


def _sources(data: dict[str, Any]) -> tuple[SourceInfo, ...]:
    raw = data.get("sources") or []
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise RowError("sources must be a list of objects")
    return tuple(
        SourceInfo(
            outlet=_str(s, "outlet", required=True),
            url=_str(s, "url"),
            title=_str(s, "title"),
            published_at=_instant(s.get("published_at"), "sources.published_at"),
            published_on=_day(s.get("published_on"), "sources.published_on"),
        )
        for s in raw
    )


def _count(data: dict[str, Any], name: str) -> int | None:
    value = data.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise RowError(f"{name} {value!r} is not a whole number ≥ 0")
    return value


def _names(data: dict[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise RowError(f"{name} must be a list of strings")
    return tuple(value)


def parse_jsonl_line(text: str, line: int, today: date) -> ParsedRow:
    """Turn one JSONL line into a draft; RowError says what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RowError(f"not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise RowError("a line must hold one JSON object")
    summary = _str(data, "summary", required=True)
    key = _str(data, "key", required=True)
    if len(key) > 128:
        raise RowError("key is longer than 128 characters")
    when = _when(data)
    if when.first_day() > today:
        raise RowError(f"date {when.start.isoformat()} is in the future")
    fatalities, injuries = _count(data, "fatalities"), _count(data, "injuries")
    actors, actor1, actor2 = (_names(data, name) for name in ("actors", "actor1", "actor2"))
    reviewed = data.get("reviewed", True)
    if not isinstance(reviewed, bool):
        raise RowError("reviewed must be true or false")
    status = _enum(data, "status", EventStatus, EventStatus.PUBLISHED)
    reason = _str(data, "retract_reason") or None
    if status is EventStatus.RETRACTED and reason is None:
        raise RowError("a retracted event needs a retract_reason")
    precision = _enum(data, "location_precision", LocationPrecision, LocationPrecision.EXACT)
    hint = _hint(data, precision)
    draft = EventDraft(
        summary=summary,
        when=when,
        place_text=hint.as_written,
        location_precision=precision,
        actors=actors,
        actor1=actor1,
        actor2=actor2,
        excerpt=_str(data, "excerpt"),
        injuries=injuries,
        event_type=_str(data, "event_type"),
        sub_event_type=_str(data, "sub_event_type"),
        severity=_enum(data, "severity", Severity, Severity.ROUTINE),
        claim_status=_enum(data, "claim_status", ClaimStatus, ClaimStatus.REPORTED),
        claim_note=_str(data, "claim_note"),
        fatalities=fatalities,
        sources=_sources(data),
        external_key=key,
        origin=_enum(data, "origin", Origin, Origin.IMPORT),
        status=status,
        reviewed=reviewed,
    )
    return ParsedRow(
        line=line,
        draft=draft,
        place=hint,
        retract_reason=reason if status is EventStatus.RETRACTED else None,
    )


def merged_pair(text: str) -> tuple[str, str] | None:
    """(key, key of the event it was merged into) of a line recording a merge; else None."""
    if '"merged_into"' not in text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    key, into = data.get("key"), data.get("merged_into")
    if isinstance(key, str) and isinstance(into, str) and key and into and key != into:
        return key, into
    return None

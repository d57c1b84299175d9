"""A question's Query as JSON and back, so answer pages and follow-ups can live in the database.

Places are stored by key and looked up in the gazetteer again; windows keep their instants and
zone. Fields are read from the dataclass, so a field added to Query later is stored too (if its
type is one handled here) and an old stored value without it gets the field's default.
"""

from __future__ import annotations

import logging
from dataclasses import fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place
from bot.domain.questions.timetypes import Window
from bot.domain.questions.understand import Query

log = logging.getLogger(__name__)

_QUERY_FIELDS = frozenset(f.name for f in fields(Query))


class CodecError(ValueError):
    """A value that cannot be stored, or a stored value that cannot be read back."""


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Place):
        return {"place": value.key}
    if isinstance(value, Window):
        return {"window": [_encode(value.start), _encode(value.end), value.label]}
    if isinstance(value, datetime):
        zone = getattr(value.tzinfo, "key", None)
        return {"datetime": value.isoformat(), "zone": zone}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, (frozenset, set)):
        return {"set": sorted((_encode(v) for v in value), key=repr)}
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    raise CodecError(f"cannot store a {type(value).__name__}")


def _decode(data: Any, gazetteer: Gazetteer) -> Any:
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [_decode(v, gazetteer) for v in data]
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise CodecError("not an encoded value")
    if "place" in data:
        place = gazetteer.get(str(data["place"]))
        if place is None:
            raise CodecError(f"unknown place {data['place']!r}")
        return place
    if "window" in data:
        start, end, label = data["window"]
        return Window(_decode(start, gazetteer), _decode(end, gazetteer), str(label))
    if "datetime" in data:
        when = datetime.fromisoformat(str(data["datetime"]))
        zone = data.get("zone")
        return when.astimezone(ZoneInfo(str(zone))) if zone else when
    if "date" in data:
        return date.fromisoformat(str(data["date"]))
    if "set" in data:
        return frozenset(_decode(v, gazetteer) for v in data["set"])
    if "tuple" in data:
        return tuple(_decode(v, gazetteer) for v in data["tuple"])
    raise CodecError("not an encoded value")


def query_to_json(query: Query) -> dict[str, Any]:
    """The query as a JSON object; CodecError if a field has a type this module cannot store."""
    return {name: _encode(getattr(query, name)) for name in sorted(_QUERY_FIELDS)}


def query_from_json(data: object, gazetteer: Gazetteer) -> Query | None:
    """The query stored by `query_to_json`, or None when it cannot be read back."""
    if not isinstance(data, dict):
        return None
    try:
        values = {k: _decode(v, gazetteer) for k, v in data.items() if k in _QUERY_FIELDS}
        return Query(**values)
    except (CodecError, TypeError, ValueError, KeyError) as exc:
        log.info("stored query not readable: %s", exc)
        return None

"""UCDP GED rows from stored events, for `sitrep export --format ucdp`."""

from __future__ import annotations

from datetime import date

from bot.domain.bulk.acled import coordinate_text
from bot.domain.bulk.ucdp import (
    COLUMNS,
    KEY_PREFIX,
    VIOLENCE,
    summary_head,
    where_phrase,
)
from bot.domain.events.model import EventView, LocationPrecision
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind
from bot.domain.questions.timetypes import FuzzyDate, Precision

_AREAS = frozenset({PlaceKind.COUNTRY, PlaceKind.PROVINCE, PlaceKind.DISTRICT})
_VIOLENCE_CODE = {sub: code for code, (_, sub) in VIOLENCE.items()}
_DATE_CODE = {Precision.DAY: "1", Precision.MONTH: "4", Precision.YEAR: "5"}


def _date_code(when: FuzzyDate) -> str:
    """date_prec for a date: a week-precise range of up to six days is code 2, else 3."""
    if when.precision is not Precision.WEEK:
        return _DATE_CODE[when.precision]
    short = when.end is not None and (when.end - when.start).days < 6
    return "2" if short else "3"


def _where_code(precision: LocationPrecision, kind: PlaceKind | None) -> str:
    """where_prec for a precision and the kind of place the event is on (None: unplaced)."""
    if precision is LocationPrecision.EXACT:
        return "1"
    if precision is LocationPrecision.NEAR:
        return "3" if kind is PlaceKind.DISTRICT else "2"
    return {PlaceKind.COUNTRY: "6", PlaceKind.PROVINCE: "4"}.get(kind or PlaceKind.OTHER, "5")


def written_place(view: EventView) -> tuple[str, str] | None:
    """where_coordinates and adm_1 as the imported row wrote them, read back from a composed
    summary (None when the summary was edited)."""
    head = summary_head(view.actors, view.fatalities)
    if not view.summary.startswith(head):
        return None
    where, place_text = view.summary[len(head) :], view.place_text
    rest = where.removeprefix(f"{place_text}, ")
    for written, adm_1 in ((place_text, ""), (place_text, rest), (where, where)):
        if where_phrase(place_text, written, adm_1) == where:
            return written, adm_1
    return None


def ucdp_record(view: EventView, gazetteer: Gazetteer) -> dict[str, str]:
    """One event as a UCDP GED row (the columns of COLUMNS; what Sitrep does not keep is empty).

    where_coordinates and adm_1 are the row's own while the summary is the composed one (so the
    row re-imports unchanged), else the place text and the province of the event's place; adm_2
    and country come from the place.
    """
    key = view.external_key or ""
    place = gazetteer.get(view.place_key) if view.place_key else None
    chain = ([place] if place else []) + (gazetteer.ancestors(place.key) if place else [])
    by_kind: dict[PlaceKind, str] = {}
    for p in reversed(chain):
        by_kind.setdefault(p.kind, p.name)
    point = place
    if place is not None and place.kind in _AREAS and view.place_text != place.name:
        point = None  # the event sits somewhere in an admin area, not at its centre
    province = by_kind.get(PlaceKind.PROVINCE)
    written, adm_1 = written_place(view) or (
        view.place_text,
        f"{province} province" if province else "",
    )
    district = by_kind.get(PlaceKind.DISTRICT)
    actors = view.actors
    if view.actor1 or view.actor2:  # as imported; else the first two actors
        side_a, side_b = (view.actor1 or ("",))[0], (view.actor2 or ("",))[0]
    else:
        side_a, side_b = (*actors[:2], "", "")[:2]
    sources = view.sources
    lat, lon = (point.lat, point.lon) if point is not None else (None, None)
    end = view.when.end or view.when.start
    record = dict.fromkeys(COLUMNS, "")
    record |= {
        "id": key.removeprefix(KEY_PREFIX),
        "year": str(view.when.start.year),
        "type_of_violence": _VIOLENCE_CODE.get(view.sub_event_type, ""),
        "dyad_name": " - ".join(side for side in (side_a, side_b) if side),
        "side_a": side_a,
        "side_b": side_b,
        "number_of_sources": str(len(sources)) if sources else "",
        "source_office": ";".join(s.outlet.replace(";", ",") for s in sources),
        "source_date": _joined([_day_text(s.published_day) for s in sources]),
        "source_headline": _joined([s.title.replace(";", ",") for s in sources]),
        "where_prec": _where_code(view.location_precision, place.kind if place else None),
        "where_coordinates": written or view.place_name,
        "adm_1": adm_1,
        "adm_2": f"{district} district" if district else "",
        "latitude": coordinate_text(lat),
        "longitude": coordinate_text(lon),
        "geom_wkt": "" if lat is None else f"POINT ({coordinate_text(lon)} {coordinate_text(lat)})",
        "country": by_kind.get(PlaceKind.COUNTRY, ""),
        "date_prec": _date_code(view.when),
        "date_start": view.when.start.isoformat(),
        "date_end": end.isoformat(),
        "best": "" if view.fatalities is None else str(view.fatalities),
    }
    return record


def _day_text(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _joined(values: list[str]) -> str:
    """Values paired with the sources by position; empty when none is known."""
    return ";".join(values) if any(values) else ""

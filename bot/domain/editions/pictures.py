"""What an edition's pictures show, as plain data: events per day by type (the chart) and
events by place with coordinates (the map). Built once per audience from the edition's events;
drawn by bot.render.pictures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.events.model import EventView

OTHER = "Other"
MAX_TYPES = 6  # more types than this are drawn together as "Other"


@dataclass(frozen=True, slots=True)
class DayCounts:
    """Events per day by type: counts[i][j] is days[i]'s count of types[j]."""

    days: tuple[date, ...]
    types: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def total(self) -> int:
        """Every event counted."""
        return sum(sum(row) for row in self.counts)


@dataclass(frozen=True, slots=True)
class MapPoint:
    """Events at one place: where, how many, of which (most frequent) type."""

    lat: float
    lon: float
    label: str
    count: int
    event_type: str


@dataclass(frozen=True, slots=True)
class PictureData:
    """Everything the chart and the map draw."""

    title: str
    period: str
    chart: DayCounts
    points: tuple[MapPoint, ...]
    types: tuple[str, ...]
    unplaced: int = 0  # events without coordinates (not on the map)


Coordinates = Callable[[str], tuple[float, float, str] | None]  # key -> (lat, lon, name)


def _types(events: Sequence[EventView]) -> tuple[str, ...]:
    ranked = Counter(e.event_type or OTHER for e in events).most_common()
    kinds = [t for t, _ in ranked]
    if len(kinds) > MAX_TYPES:
        kinds = [*kinds[: MAX_TYPES - 1], OTHER]
    return tuple(sorted(kinds, key=lambda t: (t == OTHER, t)))


def picture_data(
    events: Sequence[EventView],
    first: date,
    last: date,
    where: Coordinates,
    *,
    title: str,
    period: str,
) -> PictureData:
    """Chart and map data for the events that happened between `first` and `last` (an event
    dated by a week or a month counts on its first day in the period)."""
    shown = [e for e in events if e.merged_into is None]
    types = _types(shown)
    days = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
    index = {d: i for i, d in enumerate(days)}
    grid = [[0] * len(types) for _ in days]
    column = {t: j for j, t in enumerate(types)}

    def kind(e: EventView) -> str:
        return e.event_type if (e.event_type or OTHER) in column else OTHER

    for e in shown:
        day = max(e.when.first_day(), first)
        if day in index and day <= min(e.when.last_day(), last):
            grid[index[day]][column[kind(e) or OTHER]] += 1
    places: dict[str, list[EventView]] = {}
    unplaced = 0
    for e in shown:
        if e.place_key and where(e.place_key) is not None:
            places.setdefault(e.place_key, []).append(e)
        else:
            unplaced += 1
    points = []
    for key, evs in places.items():
        found = where(key)
        assert found is not None
        lat, lon, name = found
        top = Counter(kind(e) or OTHER for e in evs).most_common(1)[0][0]
        points.append(MapPoint(lat, lon, name, len(evs), top))
    points.sort(key=lambda p: (-p.count, p.label))
    return PictureData(
        title=title,
        period=period,
        chart=DayCounts(days, types, tuple(tuple(r) for r in grid)),
        points=tuple(points),
        types=types,
        unplaced=unplaced,
    )

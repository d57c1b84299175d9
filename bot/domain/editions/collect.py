"""Collecting an audience's edition: the events reported in its window (and the window before,
for trends), filtered to its places and types, with corrections and key figures; what one tick
works out once is kept in a memo shared by every audience."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from bot.domain.editions.model import Audience, EditionData, FigureView
from bot.domain.editions.parts import Correction
from bot.domain.editions.ports import EditionRepository, EventReader, FigureRepository
from bot.domain.editions.schedule import local_instant, offset_label, zone_of
from bot.domain.editions.structure import BodyInput, Places, Tally, build_body
from bot.domain.events.model import EventStatus, EventView
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind

BACKGROUND_AGE = timedelta(days=7)  # dated this long before the edition: background, not news
MAX_EVENTS = 40
WEEKLY_SECTION_LINES = 8


def reported_dates(start: datetime, end: datetime, tz: tzinfo) -> list[date]:
    """Dates D whose end (local midnight after D) falls in (start, end]: date-only reports
    belong to the first edition whose window ends after their day ends."""
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    out = []
    d = first
    while d <= last:
        day_end = local_instant(d + timedelta(days=1), 0, tz)
        if start < day_end <= end:
            out.append(d)
        d += timedelta(days=1)
    return out


def day_label(d: date) -> str:
    """ "Sat 10 Jul 2021"."""
    return f"{d:%a} {d.day} {d:%b %Y}"


@dataclass
class TickMemo:
    """What one tick works out once and reuses for every subscriber and batch."""

    editions: dict[str, tuple[int | None, int]] = field(default_factory=dict)
    by_subscriber: dict[tuple[Any, ...], tuple[int | None, int]] = field(default_factory=dict)
    following: dict[tuple[int, str, datetime, int | None], datetime] = field(default_factory=dict)
    windows: dict[tuple[datetime, datetime, str], list[EventView]] = field(default_factory=dict)
    corrections: dict[tuple[datetime, datetime], list[EventView]] = field(default_factory=dict)
    figures: tuple[FigureView, ...] | None = None
    zones: dict[str, tzinfo] = field(default_factory=dict)
    slots: dict[datetime, str] = field(default_factory=dict)
    pictures: dict[int, int] = field(default_factory=dict)  # edition id -> pictures stored
    groups: dict[tuple[str | None, str], str] = field(default_factory=dict)
    tallies: dict[tuple[datetime, datetime, str], list[Tally]] = field(default_factory=dict)
    depths: dict[str | None, int] = field(default_factory=dict)

    def zone(self, name: str) -> tzinfo:
        """The zone called `name`, looked up once."""
        tz = self.zones.get(name)
        if tz is None:
            tz = self.zones[name] = zone_of(name)
        return tz

    def slot(self, due: datetime) -> str:
        """The outbox key's slot for a due instant: "20210709T0230" (UTC)."""
        label = self.slots.get(due)
        if label is None:
            label = self.slots[due] = f"{due.astimezone(UTC):%Y%m%dT%H%M}"
        return label


class Collector:
    """Reads and shapes what an audience's edition shows."""

    def __init__(
        self,
        *,
        editions: EditionRepository,
        figures: FigureRepository,
        events: EventReader,
        gazetteer: Gazetteer,
    ) -> None:
        self._editions = editions
        self._figures = figures
        self._events = events
        self._gazetteer = gazetteer

    def group_name(self, event: EventView) -> str:
        """The first-level area, by its own kind word (or the country), an event is under."""
        return self.area_of(event.place_key, event.place_text)

    def area_of(self, key: str | None, text: str) -> str:
        """The first-level area (or the country) of a place key, else the place as written."""
        if key is None:
            return text or "Other places"
        place = self._gazetteer.get(key)
        chain = ([place] if place else []) + self._gazetteer.ancestors(key)
        for p in chain:
            if p.kind is PlaceKind.PROVINCE:
                return self._gazetteer.area_name(p)  # "Herat province", "North Darfur state"
        for p in chain:
            if p.kind is PlaceKind.COUNTRY:
                return p.name
        return (place.name if place else text) or "Other places"

    def places(self, memo: TickMemo) -> Places:
        """Place lookups for the structure, each place looked up once per tick."""

        def area(key: str | None, text: str) -> str:
            name = memo.groups.get((key, text))
            if name is None:
                name = memo.groups[(key, text)] = self.area_of(key, text)
            return name

        def depth(e: EventView) -> int:
            found = memo.depths.get(e.place_key)
            if found is None:
                found = 0
                if e.place_key is not None and self._gazetteer.get(e.place_key) is not None:
                    found = 1 + len(self._gazetteer.ancestors(e.place_key))
                memo.depths[e.place_key] = found
            return found

        return Places(area, depth)

    def _scope(self, places: Sequence[str]) -> set[str] | None:
        if not places:
            return None
        keys: set[str] = set()
        for key in places:
            keys |= self._gazetteer.descendants(key)
        return keys

    async def _window(
        self, start: datetime, end: datetime, timezone: str, memo: TickMemo
    ) -> list[EventView]:
        """Published events first reported in the window, by id: one query per window."""
        key = (start, end, timezone)
        found = memo.windows.get(key)
        if found is None:
            dates = reported_dates(start, end, memo.zone(timezone))
            ids = await self._editions.published_in_window(start, end, dates)
            found = memo.windows[key] = await self._events.get_many(ids)
        return found

    async def _tally(
        self, start: datetime, end: datetime, timezone: str, memo: TickMemo
    ) -> list[Tally]:
        """(place, type) of the events of a window: one statement, however many there are."""
        key = (start, end, timezone)
        found = memo.tallies.get(key)
        if found is None:
            dates = reported_dates(start, end, memo.zone(timezone))
            found = memo.tallies[key] = await self._editions.tally_in_window(start, end, dates)
        return found

    async def _corrections(self, start: datetime, end: datetime, memo: TickMemo) -> list[EventView]:
        found = memo.corrections.get((start, end))
        if found is None:
            ids = await self._editions.corrected_in_window(start, end)
            found = memo.corrections[(start, end)] = await self._events.get_many(ids)
        return found

    async def collect(self, audience: Audience, memo: TickMemo) -> EditionData:
        """The events reported in the audience's window, filtered, structured and ordered."""
        tz = memo.zone(audience.timezone)
        start, end = audience.window_start, audience.window_end
        scope = self._scope(audience.places)
        types = set(audience.event_types)

        def mine(events: Sequence[EventView]) -> list[EventView]:
            return [
                e
                for e in events
                if (scope is None or e.place_key in scope) and (not types or e.event_type in types)
            ]

        events = mine(await self._window(start, end, audience.timezone, memo))
        previous = [
            t
            for t in await self._tally(start - (end - start), start, audience.timezone, memo)
            if (scope is None or t[0] in scope) and (not types or t[2] in types)
        ]
        corrected = mine(await self._corrections(start, end, memo))
        if memo.figures is None:
            memo.figures = tuple(await self._figures.active())
        cutoff = audience.local_date - BACKGROUND_AGE - (end - start) + timedelta(days=1)
        first_day = start.astimezone(tz).date()
        body = build_body(
            BodyInput(
                news=[e for e in events if e.when.last_day() >= cutoff],
                background=[e for e in events if e.when.last_day() < cutoff],
                previous=previous,
                corrections=[Correction(e, e.status == EventStatus.RETRACTED) for e in corrected][
                    :10
                ],
                since=first_day,
                weekly=audience.weekly,
                max_lines=MAX_EVENTS * (3 if audience.weekly else 1),
                section_lines=WEEKLY_SECTION_LINES if audience.weekly else 0,
                new_figures=frozenset(
                    f.id for f in memo.figures if f.created_at is not None and f.created_at >= start
                ),
            ),
            self.places(memo),
        )
        scope_label = (
            ", ".join(
                p.name for p in (self._gazetteer.get(k) for k in audience.places) if p is not None
            )
            or "All places"
        )
        start_local, end_local = start.astimezone(tz), end.astimezone(tz)
        return EditionData(
            date_label=day_label(audience.local_date),
            zone_label=f"{audience.timezone} ({offset_label(tz, end)})",
            window_label=f"{start_local:%d %b %H:%M} – {end_local:%d %b %H:%M}",
            scope_label=scope_label,
            body=body,
            figures=memo.figures,
            more=body.more + sum(s.more for s in body.sections),
            weekly=audience.weekly,
            first_day_label=day_label(first_day),
        )

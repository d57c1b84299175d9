"""Daily editions: who is due, what was reported in their window, rendered once per audience."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from bot.domain.clock import Clock
from bot.domain.editions.model import (
    Audience,
    DueRow,
    EditionData,
    EditionGroup,
    EditionPart,
    FigureView,
    NewEdition,
    TickReport,
)
from bot.domain.editions.ports import (
    EditionQueue,
    EditionRepository,
    EventReader,
    FigureRepository,
    Render,
    Split,
)
from bot.domain.editions.schedule import local_instant, next_delivery, offset_label, zone_of
from bot.domain.events.model import SEVERITY_RANK, EventView, Severity
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceKind

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
BACKGROUND_AGE = timedelta(days=7)  # dated this long before the edition: background, not news
MAX_EVENTS = 40
TICK_BATCH = 5000
DAY = timedelta(hours=24)


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


def _day_label(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


@dataclass
class _TickMemo:
    """What one tick works out once and reuses for every subscriber and batch."""

    editions: dict[str, tuple[int | None, int]] = field(default_factory=dict)
    by_subscriber: dict[tuple[Any, ...], tuple[int | None, int]] = field(default_factory=dict)
    following: dict[tuple[int, str, datetime], datetime] = field(default_factory=dict)
    windows: dict[tuple[datetime, datetime, str], list[EventView]] = field(default_factory=dict)
    figures: tuple[FigureView, ...] | None = None
    zones: dict[str, tzinfo] = field(default_factory=dict)
    slots: dict[datetime, str] = field(default_factory=dict)

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


class BriefingService:
    """Composes editions and enqueues them for subscribers whose local time has come."""

    def __init__(
        self,
        *,
        editions: EditionRepository,
        queue: EditionQueue,
        figures: FigureRepository,
        events: EventReader,
        gazetteer: Gazetteer,
        clock: Clock,
        render: Render,
        split: Split,
        grace: timedelta = DEFAULT_GRACE,
    ) -> None:
        self._editions = editions
        self._queue = queue
        self._figures = figures
        self._events = events
        self._gazetteer = gazetteer
        self._clock = clock
        self._render = render
        self._split = split
        self.grace = grace

    # ---- composition ------------------------------------------------------------------

    def _scope(self, places: Sequence[str]) -> set[str] | None:
        if not places:
            return None
        keys: set[str] = set()
        for key in places:
            keys |= self._gazetteer.descendants(key)
        return keys

    def group_name(self, event: EventView) -> str:
        """The first-level area, by its own kind word (or the country), an event is under."""
        if event.place_key is None:
            return "Other places"
        place = self._gazetteer.get(event.place_key)
        chain = ([place] if place else []) + self._gazetteer.ancestors(event.place_key)
        for p in chain:
            if p.kind is PlaceKind.PROVINCE:
                return self._gazetteer.area_name(p)  # "Herat province", "North Darfur state"
        for p in chain:
            if p.kind is PlaceKind.COUNTRY:
                return p.name
        return event.place_name or "Other places"

    async def figures(self) -> list[FigureView]:
        """Active key figures, newest first."""
        return await self._figures.active()

    async def collect(self, audience: Audience) -> EditionData:
        """The events reported in the audience's window, filtered, grouped and ordered."""
        return await self._collect(audience, _TickMemo())

    async def _window(self, start: datetime, end: datetime, timezone: str) -> list[EventView]:
        """Published events first reported in the window, by id: one query per window."""
        dates = reported_dates(start, end, zone_of(timezone))
        ids = await self._editions.published_in_window(start, end, dates)
        return await self._events.get_many(ids)

    async def _collect(self, audience: Audience, memo: _TickMemo) -> EditionData:
        tz = audience.zone
        window = (audience.window_start, audience.window_end, audience.timezone)
        events = memo.windows.get(window)
        if events is None:
            events = memo.windows[window] = await self._window(*window)
        # Audiences sharing a window differ only in filters: applied here, not in SQL.
        scope = self._scope(audience.places)
        types = set(audience.event_types)
        events = [
            e
            for e in events
            if (scope is None or e.place_key in scope) and (not types or e.event_type in types)
        ]
        if memo.figures is None:
            memo.figures = tuple(await self.figures())
        cutoff = audience.local_date - BACKGROUND_AGE
        news = [e for e in events if e.when.last_day() >= cutoff]
        background = [e for e in events if e.when.last_day() < cutoff]
        news.sort(
            key=lambda e: (
                SEVERITY_RANK[Severity(e.severity)],
                -e.when.first_day().toordinal(),
                e.id,
            )
        )
        shown, more = news[:MAX_EVENTS], max(0, len(news) - MAX_EVENTS)
        groups: dict[str, list[EventView]] = {}
        for e in shown:
            groups.setdefault(self.group_name(e), []).append(e)
        background.sort(key=lambda e: (-e.when.first_day().toordinal(), e.id))
        scope_label = (
            ", ".join(
                p.name for p in (self._gazetteer.get(k) for k in audience.places) if p is not None
            )
            or "All places"
        )
        start_local = audience.window_start.astimezone(tz)
        end_local = audience.window_end.astimezone(tz)
        return EditionData(
            date_label=_day_label(audience.local_date),
            zone_label=f"{audience.timezone} ({offset_label(tz, audience.window_end)})",
            window_label=f"{start_local:%d %b %H:%M} – {end_local:%d %b %H:%M}",
            scope_label=scope_label,
            groups=tuple(EditionGroup(name, tuple(evs)) for name, evs in groups.items()),
            background=tuple(background[:10]),
            figures=memo.figures,
            more=more,
        )

    def render(self, data: EditionData, *, empty_note: bool) -> list[str]:
        """The edition as message parts (≤ 4096 each); [] when empty and no note is wanted."""
        if data.is_empty:
            if not empty_note:
                return []
            return self._split(self._render("daily_empty.html", d=data))
        return self._split(self._render("daily.html", d=data))

    async def edition(self, audience: Audience) -> tuple[int | None, int]:
        """Get or render the audience's edition; returns (edition id or None if empty, parts)."""
        return await self._edition(audience, _TickMemo())

    async def _edition(self, audience: Audience, memo: _TickMemo) -> tuple[int | None, int]:
        key = audience.key
        found = await self._editions.find(key)
        if found is not None:
            edition_id, parts = found
            return (edition_id if parts else None), parts
        data = await self._collect(audience, memo)
        rendered = self.render(data, empty_note=audience.empty_note)
        shown = [e for g in data.groups for e in g.events] + list(data.background)
        edition_id, parts = await self._editions.store(
            NewEdition(
                key=key,
                kind="daily" if not data.is_empty else "empty",
                local_date=audience.local_date,
                timezone=audience.timezone,
                window_start=audience.window_start,
                window_end=audience.window_end,
                parts=rendered,
                events=shown,
                now=self._clock.now(),
            )
        )
        return (edition_id if parts else None), parts

    async def preview(self, audience: Audience) -> list[str]:
        """The parts an audience would get, without storing anything (sitrep brief)."""
        return self.render(await self.collect(audience), empty_note=True)

    # ---- scheduling -------------------------------------------------------------------

    async def tick(self, now: datetime | None = None) -> TickReport:
        """Enqueue every due edition once: subscribers whose local time has come and whose
        edition is not yet in the outbox. Restarts, missed ticks and concurrent instances are
        all the same case: unique outbox keys and a guarded advance make it idempotent."""
        now = now or self._clock.now()
        report = TickReport()
        memo = _TickMemo()
        while True:
            rows = await self._editions.due(now, TICK_BATCH)
            if not rows:
                return report
            missed = report.skipped_missed
            await self._enqueue_batch(rows, now, report, memo)
            # Another pass when the batch was full, or when a missed edition moved a
            # subscription to a slot that is already due (a catch-up within grace).
            if len(rows) < TICK_BATCH and report.skipped_missed == missed:
                return report

    async def _enqueue_batch(
        self, rows: list[DueRow], now: datetime, report: TickReport, memo: _TickMemo
    ) -> None:
        # due -> (dedupe_key, chat_id, chat_type, thread_id, edition_id, part_no)
        outbox: dict[datetime, list[EditionPart]] = {}
        # (due, next due, window end) -> subscription ids: one guarded UPDATE per group
        advances: dict[tuple[datetime, datetime, datetime], list[int]] = {}
        floor = now - self.grace
        for sid, chat_id, thread_id, minute, tz_name, places, types, note, due, last, ctype in rows:
            after = due if due > floor else floor
            following = memo.following.get((minute, tz_name, after))
            if following is None:
                following = next_delivery(minute, memo.zone(tz_name), after)
                memo.following[(minute, tz_name, after)] = following
            start = last or due - DAY
            if due < floor:
                report.skipped_missed += 1
                log.info("edition for chat %s due %s missed (beyond grace)", chat_id, due)
                # The next edition's window starts where this one would have: a missed first
                # edition keeps its 24 hours too.
                advances.setdefault((due, following, start), []).append(sid)
                continue
            report.due += 1
            edition = memo.by_subscriber.get((places, types, tz_name, start, due, note))
            if edition is None:
                edition = await self._edition_for(
                    Audience(
                        places=tuple(p for p in places.split("\n") if p),
                        event_types=tuple(t for t in types.split("\n") if t),
                        timezone=tz_name,
                        window_start=start,
                        window_end=due,
                        empty_note=note,
                    ),
                    report,
                    memo,
                )
                memo.by_subscriber[(places, types, tz_name, start, due, note)] = edition
            edition_id, parts = edition
            if edition_id is None:
                report.skipped_empty += 1
            else:
                slot = memo.slot(due)
                queued = outbox.setdefault(due, [])
                for part in range(parts):
                    key = f"daily:{chat_id}:{slot}:{part}"
                    queued.append((key, chat_id, ctype or "private", thread_id, edition_id, part))
            advances.setdefault((due, following, due), []).append(sid)
        report.enqueued += await self._queue.enqueue_tick(outbox, advances, now)

    async def _edition_for(
        self, audience: Audience, report: TickReport, memo: _TickMemo
    ) -> tuple[int | None, int]:
        """The audience's edition, got or rendered once per tick."""
        key = audience.key
        edition = memo.editions.get(key)
        if edition is None:
            edition = memo.editions[key] = await self._edition(audience, memo)
            report.editions_rendered += 1
            report.audiences.add(key)
        return edition

    def first_edition_audience(
        self,
        *,
        day: date,
        timezone: str,
        minute: int,
        places: Sequence[str] = (),
        types: Sequence[str] = (),
    ) -> Audience:
        """The audience of a new subscriber's first edition on `day` at local `minute`."""
        end = local_instant(day, minute, zone_of(timezone))
        return Audience(
            places=tuple(places),
            event_types=tuple(types),
            timezone=timezone,
            window_start=end - timedelta(hours=24),
            window_end=end,
        )

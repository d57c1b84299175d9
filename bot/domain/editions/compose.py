"""Daily editions: who is due, what was reported in their window, rendered once per audience."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.domain.clock import Clock
from bot.domain.delivery_states import PICTURE_PART
from bot.domain.editions.collect import Collector, TickMemo
from bot.domain.editions.model import (
    Audience,
    DueRow,
    EditionData,
    EditionExport,
    EditionFile,
    EditionPart,
    FigureView,
    NewEdition,
    TickReport,
)
from bot.domain.editions.parts import EditionBody
from bot.domain.editions.pictures import PictureData, picture_data
from bot.domain.editions.ports import (
    Draw,
    EditionQueue,
    EditionRepository,
    EventReader,
    FigureRepository,
    Render,
    Split,
)
from bot.domain.editions.schedule import local_instant, next_due, zone_of
from bot.domain.editions.structure import BodyInput, build_body
from bot.domain.events.model import EventView
from bot.domain.places.gazetteer import Gazetteer

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
TICK_BATCH = 5000
DAY = timedelta(hours=24)
WEEK = timedelta(days=7)


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
        draw: Draw | None = None,
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
        self._draw = draw
        self._collector = Collector(
            editions=editions, figures=figures, events=events, gazetteer=gazetteer
        )

    # ---- composition ------------------------------------------------------------------

    def group_name(self, event: EventView) -> str:
        """The first-level area, by its own kind word (or the country), an event is under."""
        return self._collector.group_name(event)

    async def figures(self) -> list[FigureView]:
        """Active key figures, newest first."""
        return await self._figures.active()

    async def collect(self, audience: Audience) -> EditionData:
        """The events reported in the audience's window, filtered, structured and ordered."""
        return await self._collector.collect(audience, TickMemo())

    async def _collect(self, audience: Audience, memo: TickMemo) -> EditionData:
        return await self._collector.collect(audience, memo)

    def selection(self, events: Sequence[EventView], since: date) -> EditionBody:
        """The structure of an edition of hand-picked events (an admin's push)."""
        return build_body(
            BodyInput(news=events, background=(), previous=(), corrections=(), since=since),
            self._collector.places(TickMemo()),
        )

    def pictures(self, audience: Audience, data: EditionData) -> PictureData:
        """The chart and map data of an audience's edition (drawn once per audience): the days
        of its window before the day it ends on."""
        tz = zone_of(audience.timezone)
        first = audience.window_start.astimezone(tz).date()
        last = audience.window_end.astimezone(tz).date() - timedelta(days=1)
        period = f"{first:%d %b} – {last:%d %b %Y}"
        start = min(first, last)
        return picture_data(
            data.body.news, start, last, self._where, title=data.scope_label, period=period
        )

    def _where(self, key: str) -> tuple[float, float, str] | None:
        place = self._gazetteer.get(key)
        if place is None or place.lat is None or place.lon is None:
            return None
        return place.lat, place.lon, place.name

    def render(self, data: EditionData, *, empty_note: bool) -> list[str]:
        """The edition as message parts (≤ 4096 each); [] when empty and no note is wanted."""
        if data.is_empty:
            if not empty_note:
                return []
            return self._split(self._render("daily_empty.html", d=data))
        return self._split(self._render("weekly.html" if data.weekly else "daily.html", d=data))

    async def edition(self, audience: Audience) -> tuple[int | None, int]:
        """Get or render the audience's edition; returns (edition id or None if empty, parts)."""
        return await self._edition(audience, TickMemo())

    async def _edition(self, audience: Audience, memo: TickMemo) -> tuple[int | None, int]:
        key = audience.key
        found = await self._editions.find(key)
        if found is not None:
            edition_id, parts = found
            if audience.weekly and parts:
                memo.pictures[edition_id] = await self._editions.picture_count(edition_id)
            return (edition_id if parts else None), parts
        data = await self._collect(audience, memo)
        rendered = self.render(data, empty_note=audience.empty_note)
        shown = data.events
        files: Sequence[EditionFile] = ()
        if audience.weekly and self._draw is not None and data.body.news:
            files = self._draw(self.pictures(audience, data))  # once per audience
        edition_id, parts = await self._editions.store(
            NewEdition(
                key=key,
                kind=("weekly" if audience.weekly else "daily") if not data.is_empty else "empty",
                local_date=audience.local_date,
                timezone=audience.timezone,
                window_start=audience.window_start,
                window_end=audience.window_end,
                parts=rendered,
                events=shown,
                now=self._clock.now(),
                files=files,
            )
        )
        memo.pictures[edition_id] = len(files)
        return (edition_id if parts else None), parts

    async def export(self, edition_id: int, chat_id: int) -> EditionExport | None:
        """An edition this chat was sent, as stored (for "Download as PDF")."""
        return await self._editions.export(edition_id, chat_id)

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
        memo = TickMemo()
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
        self, rows: list[DueRow], now: datetime, report: TickReport, memo: TickMemo
    ) -> None:
        # due -> (dedupe_key, chat_id, chat_type, thread_id, edition_id, part_no)
        outbox: dict[datetime, list[EditionPart]] = {}
        # (due, next due, window end) -> subscription ids: one guarded UPDATE per group
        advances: dict[tuple[datetime, datetime, datetime], list[int]] = {}
        floor = now - self.grace
        for row in rows:
            sid, chat_id, thread_id, minute, tz_name, places, types, note, due, last, ctype = row[
                :11
            ]
            weekly_day = row[11]
            after = due if due > floor else floor
            following = memo.following.get((minute, tz_name, after, weekly_day))
            if following is None:
                following = next_due(minute, weekly_day, memo.zone(tz_name), after)
                memo.following[(minute, tz_name, after, weekly_day)] = following
            weekly = weekly_day is not None
            # a weekly edition covers at least the week (after a switch from daily, too)
            start = min(last or due, due - WEEK) if weekly else (last or due - DAY)
            if due < floor:
                report.skipped_missed += 1
                log.info("edition for chat %s due %s missed (beyond grace)", chat_id, due)
                # The next edition's window starts where this one would have: a missed first
                # edition keeps its 24 hours too.
                advances.setdefault((due, following, start), []).append(sid)
                continue
            report.due += 1
            edition = memo.by_subscriber.get((places, types, tz_name, start, due, note, weekly))
            if edition is None:
                edition = await self._edition_for(
                    Audience(
                        places=tuple(p for p in places.split("\n") if p),
                        event_types=tuple(t for t in types.split("\n") if t),
                        timezone=tz_name,
                        window_start=start,
                        window_end=due,
                        empty_note=note,
                        weekly=weekly,
                    ),
                    report,
                    memo,
                )
                memo.by_subscriber[(places, types, tz_name, start, due, note, weekly)] = edition
            edition_id, parts = edition
            if edition_id is None:
                report.skipped_empty += 1
            else:
                slot = memo.slot(due)
                queued = outbox.setdefault(due, [])
                numbers = [*range(parts)]
                numbers += [PICTURE_PART + n for n in range(memo.pictures.get(edition_id, 0))]
                for part in numbers:  # the text, then its pictures (sent as photos)
                    key = f"{'weekly' if weekly else 'daily'}:{chat_id}:{slot}:{part}"
                    queued.append((key, chat_id, ctype or "private", thread_id, edition_id, part))
            advances.setdefault((due, following, due), []).append(sid)
        report.enqueued += await self._queue.enqueue_tick(outbox, advances, now)

    async def _edition_for(
        self, audience: Audience, report: TickReport, memo: TickMemo
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
        weekly: bool = False,
    ) -> Audience:
        """The audience of a new subscriber's first edition on `day` at local `minute` (a
        weekly one covers the seven days before)."""
        end = local_instant(day, minute, zone_of(timezone))
        return Audience(
            places=tuple(places),
            event_types=tuple(types),
            timezone=timezone,
            window_start=end - (WEEK if weekly else DAY),
            window_end=end,
            weekly=weekly,
        )

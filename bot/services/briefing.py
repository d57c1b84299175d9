"""Daily editions: who is due, what was reported in their window, rendered once per audience."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.delivery_models import (
    EditionRow,
    KeyFigureRow,
    OutboxRow,
    SubscriptionRow,
)
from bot.db.event_models import EventRow
from bot.db.upsert import insert_for
from bot.delivery.split import split_html
from bot.services.editions import store_edition
from bot.services.events import EventStore
from bot.services.gazetteer import Gazetteer, PlaceKind
from bot.services.model import SEVERITY_RANK, EventView, Severity
from bot.services.schedule import local_instant, next_delivery, offset_label, zone_of

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
BACKGROUND_AGE = timedelta(days=7)  # dated this long before the edition: background, not news
MAX_EVENTS = 40
TICK_BATCH = 1000

Render = Callable[..., str]


@dataclass(frozen=True, slots=True)
class Audience:
    """What makes two subscribers' editions identical: filters, window and zone."""

    places: tuple[str, ...]
    event_types: tuple[str, ...]
    timezone: str
    window_start: datetime
    window_end: datetime
    empty_note: bool = True

    @property
    def key(self) -> str:
        """A stable hash naming this audience's edition."""
        raw = "|".join(
            [
                ",".join(sorted(self.places)),
                ",".join(sorted(self.event_types)),
                self.timezone,
                self.window_start.astimezone(UTC).isoformat(),
                self.window_end.astimezone(UTC).isoformat(),
                "1" if self.empty_note else "0",
            ]
        )
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def zone(self) -> tzinfo:
        """The audience's zone."""
        return zone_of(self.timezone)

    @property
    def local_date(self) -> date:
        """The local date the edition is for (the day its window ends)."""
        return self.window_end.astimezone(self.zone).date()


@dataclass(frozen=True, slots=True)
class FigureView:
    """A key figure for the briefing."""

    id: int
    text: str
    as_of: date
    source: str

    @property
    def as_of_label(self) -> str:
        """ "9 Jul 2021"."""
        return f"{self.as_of.day} {self.as_of:%b %Y}"


@dataclass(frozen=True, slots=True)
class EditionGroup:
    """Events of one province or region."""

    name: str
    events: tuple[EventView, ...]


@dataclass(frozen=True, slots=True)
class EditionData:
    """Everything daily.html needs."""

    date_label: str
    zone_label: str
    window_label: str
    scope_label: str
    groups: tuple[EditionGroup, ...]
    background: tuple[EventView, ...]
    figures: tuple[FigureView, ...]
    more: int = 0
    title: str = "Sitrep daily briefing"

    @property
    def event_count(self) -> int:
        """News events shown (background not counted)."""
        return sum(len(g.events) for g in self.groups)

    @property
    def is_empty(self) -> bool:
        """Nothing reported in the window."""
        return not self.groups and not self.background


@dataclass
class TickReport:
    """What one scheduler tick did."""

    due: int = 0
    enqueued: int = 0
    editions_rendered: int = 0
    skipped_missed: int = 0
    skipped_empty: int = 0
    audiences: set[str] = field(default_factory=set)


def reported_dates(start: datetime, end: datetime, tz: ZoneInfo) -> list[date]:
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


class BriefingService:
    """Composes editions and enqueues them for subscribers whose local time has come."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        events: EventStore,
        gazetteer: Gazetteer,
        clock: Clock,
        render: Render,
        *,
        grace: timedelta = DEFAULT_GRACE,
    ) -> None:
        self._sessions = sessions
        self._events = events
        self._gazetteer = gazetteer
        self._clock = clock
        self._render = render
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
        """The province (or country) an event is listed under."""
        if event.place_key is None:
            return "Other places"
        place = self._gazetteer.get(event.place_key)
        chain = ([place] if place else []) + self._gazetteer.ancestors(event.place_key)
        for p in chain:
            if p.kind is PlaceKind.PROVINCE:
                return f"{p.name} province"
        for p in chain:
            if p.kind is PlaceKind.COUNTRY:
                return p.name
        return event.place_name or "Other places"

    async def figures(self) -> list[FigureView]:
        """Active key figures, newest first."""
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(KeyFigureRow)
                    .where(KeyFigureRow.active.is_(True))
                    .order_by(KeyFigureRow.as_of.desc(), KeyFigureRow.id)
                )
            ).all()
        return [FigureView(r.id, r.text, r.as_of, r.source) for r in rows]

    async def collect(self, audience: Audience) -> EditionData:
        """The events reported in the audience's window, filtered, grouped and ordered."""
        tz = audience.zone
        dates = reported_dates(audience.window_start, audience.window_end, tz)
        reported = or_(
            and_(
                EventRow.reported_on.is_(None),
                EventRow.reported_at >= audience.window_start,
                EventRow.reported_at < audience.window_end,
            ),
            EventRow.reported_on.in_(dates),
        )
        stmt = select(EventRow.id).where(EventRow.status == "published", reported)
        scope = self._scope(audience.places)
        if scope is not None:
            stmt = stmt.where(EventRow.place_key.in_(sorted(scope)))
        if audience.event_types:
            stmt = stmt.where(EventRow.event_type.in_(list(audience.event_types)))
        async with self._sessions() as session:
            ids = list((await session.scalars(stmt.order_by(EventRow.id))).all())
        events = await self._events.get_many(ids)
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
            figures=tuple(await self.figures()),
            more=more,
        )

    def render(self, data: EditionData, *, empty_note: bool) -> list[str]:
        """The edition as message parts (≤ 4096 each); [] when empty and no note is wanted."""
        if data.is_empty:
            if not empty_note:
                return []
            return split_html(self._render("daily_empty.html", d=data))
        return split_html(self._render("daily.html", d=data))

    async def edition(self, audience: Audience) -> tuple[int | None, int]:
        """Get or render the audience's edition; returns (edition id or None if empty, parts)."""
        key = audience.key
        async with self._sessions() as session:
            row = await session.scalar(select(EditionRow).where(EditionRow.audience_key == key))
            if row is not None:
                return (row.id if row.parts else None), row.parts
        data = await self.collect(audience)
        parts = self.render(data, empty_note=audience.empty_note)
        shown = [e for g in data.groups for e in g.events] + list(data.background)
        async with self._sessions.begin() as session:
            row = await store_edition(
                session,
                key=key,
                kind="daily" if not data.is_empty else "empty",
                local_date=audience.local_date,
                timezone=audience.timezone,
                window_start=audience.window_start,
                window_end=audience.window_end,
                parts=parts,
                events=shown,
                now=self._clock.now(),
            )
            return (row.id if row.parts else None), row.parts

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
        while True:
            async with self._sessions() as session:
                subs = (
                    await session.scalars(
                        select(SubscriptionRow)
                        .where(
                            SubscriptionRow.status == "active", SubscriptionRow.next_due_at <= now
                        )
                        .order_by(SubscriptionRow.next_due_at, SubscriptionRow.id)
                        .limit(TICK_BATCH)
                    )
                ).all()
            if not subs:
                return report
            missed = report.skipped_missed
            await self._enqueue_batch(list(subs), now, report)
            # Another pass when the batch was full, or when a missed edition moved a
            # subscription to a slot that is already due (a catch-up within grace).
            if len(subs) < TICK_BATCH and report.skipped_missed == missed:
                return report

    async def _enqueue_batch(
        self, subs: list[SubscriptionRow], now: datetime, report: TickReport
    ) -> None:
        outbox: list[dict[str, Any]] = []
        advances: list[dict[str, Any]] = []
        editions: dict[str, tuple[int | None, int]] = {}
        chat_types = await self._chat_types(s.chat_id for s in subs)
        for sub in subs:
            due = sub.next_due_at
            assert due is not None
            tz = ZoneInfo(sub.timezone)
            following = next_delivery(sub.delivery_minute, tz, max(due, now - self.grace))
            if now - due > self.grace:
                report.skipped_missed += 1
                log.info("edition for chat %s due %s missed (beyond grace)", sub.chat_id, due)
                # The next edition's window starts where this one would have: a missed first
                # edition keeps its 24 hours too.
                advances.append(
                    {
                        "b_id": sub.id,
                        "b_due": due,
                        "next_due": following,
                        "window": sub.last_window_end or due - timedelta(hours=24),
                    }
                )
                continue
            report.due += 1
            start = sub.last_window_end or due - timedelta(hours=24)
            audience = Audience(
                places=tuple(p for p in sub.places.split("\n") if p),
                event_types=tuple(t for t in sub.event_types.split("\n") if t),
                timezone=sub.timezone,
                window_start=start,
                window_end=due,
                empty_note=sub.empty_note,
            )
            key = audience.key
            if key not in editions:
                editions[key] = await self.edition(audience)
                report.editions_rendered += 1
                report.audiences.add(key)
            edition_id, parts = editions[key]
            if edition_id is None:
                report.skipped_empty += 1
            slot = f"{due.astimezone(UTC):%Y%m%dT%H%M}"
            for part in range(parts if edition_id is not None else 0):
                outbox.append(
                    {
                        "kind": "edition",
                        "dedupe_key": f"daily:{sub.chat_id}:{slot}:{part}",
                        "chat_id": sub.chat_id,
                        "chat_type": chat_types.get(sub.chat_id, "private"),
                        "thread_id": sub.thread_id,
                        "edition_id": edition_id,
                        "part_no": part,
                        "state": "queued",
                        "attempts": 0,
                        "not_before": due,
                        "created_at": now,
                    }
                )
            advances.append({"b_id": sub.id, "b_due": due, "next_due": following, "window": due})
        async with self._sessions.begin() as session:
            if outbox:
                table = OutboxRow.__table__
                stmt = (
                    insert_for(session, table)
                    .on_conflict_do_nothing(index_elements=["dedupe_key"])
                    .returning(table.c.id)
                )
                result = await session.execute(stmt, outbox)
                report.enqueued += len(result.all())
            if advances:
                # Core UPDATE (executemany): the ORM would treat a parameter list as a bulk
                # update by primary key and drop the guard on next_due_at.
                subs_table = cast(Table, SubscriptionRow.__table__)
                await session.execute(
                    update(subs_table)
                    .where(
                        subs_table.c.id == bindparam("b_id"),
                        subs_table.c.next_due_at == bindparam("b_due"),
                    )
                    .values(next_due_at=bindparam("next_due"), last_window_end=bindparam("window")),
                    advances,
                )

    async def _chat_types(self, chat_ids: Iterable[int]) -> dict[int, str]:
        from bot.db.models import Chat

        ids = list(set(chat_ids))
        async with self._sessions() as session:
            rows = (await session.execute(select(Chat.id, Chat.type).where(Chat.id.in_(ids)))).all()
        return {int(r[0]): str(r[1]) for r in rows}

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

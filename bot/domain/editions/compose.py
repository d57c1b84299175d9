"""Daily editions: who is due, what was reported in their window, rendered once per audience."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CursorResult,
    Integer,
    String,
    Table,
    and_,
    any_,
    bindparam,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.split import split_html
from bot.domain.clock import Clock
from bot.domain.editions.schedule import local_instant, next_delivery, offset_label, zone_of
from bot.domain.events.model import SEVERITY_RANK, EventView, Severity
from bot.domain.places.gazetteer import Gazetteer, PlaceKind
from bot.store.editions import store_edition
from bot.store.events import EventStore
from bot.store.models.base import UTCDateTime
from bot.store.models.delivery import (
    EditionRow,
    KeyFigureRow,
    OutboxRow,
    SubscriptionRow,
)
from bot.store.models.events import EventRow
from bot.store.models.people import Chat
from bot.store.upsert import insert_for

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
BACKGROUND_AGE = timedelta(days=7)  # dated this long before the edition: background, not news
MAX_EVENTS = 40
TICK_BATCH = 5000
DAY = timedelta(hours=24)

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


# id, chat_id, thread_id, delivery_minute, timezone, places, event_types, empty_note,
# next_due_at, last_window_end, chat type
_DueRow = tuple[
    int, int, int | None, int, str, str, str, bool, datetime, datetime | None, str | None
]


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


_OUTBOX_COLUMNS = ("dedupe_key", "chat_id", "chat_type", "thread_id", "edition_id", "part_no")
_OUTBOX_TYPES: tuple[Any, ...] = (String, BigInteger, String, BigInteger, Integer, Integer)
_OUTBOX_FIELDS = tuple(zip(_OUTBOX_COLUMNS, _OUTBOX_TYPES, strict=True))


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


async def _insert_outbox(
    session: AsyncSession, due: datetime, now: datetime, rows: list[tuple[Any, ...]]
) -> int:
    """Insert queued edition parts due at `due`, skipping dedupe keys already there, in one
    statement (rows as one JSON or array parameter per batch); how many were new.

    Each row is (dedupe_key, chat_id, chat_type, thread_id, edition_id, part_no).
    """
    table = cast(Table, OutboxRow.__table__)
    if _dialect(session) == "postgresql":
        source = (
            func.unnest(
                *(
                    bindparam(f"p_{name}", [r[i] for r in rows], type_=ARRAY(kind))
                    for i, (name, kind) in enumerate(_OUTBOX_FIELDS)
                )
            )
            .table_valued(*_OUTBOX_COLUMNS)
            .render_derived()
        )
        values: list[ColumnElement[Any]] = [source.c[name] for name in _OUTBOX_COLUMNS]
    else:
        source = func.json_each(bindparam("p_rows", json.dumps(rows), type_=String)).table_valued(
            "value"
        )
        values = [func.json_extract(source.c.value, f"$[{i}]") for i in range(len(_OUTBOX_COLUMNS))]
    chosen = select(
        literal("edition"),
        *values,
        literal("queued"),
        literal(0),
        literal(due, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(true())  # SQLite: INSERT … SELECT … ON CONFLICT needs a WHERE to parse
    stmt = (
        insert_for(session, table)
        .from_select(
            ["kind", *_OUTBOX_COLUMNS, "state", "attempts", "not_before", "created_at"], chosen
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    result = await session.execute(stmt)
    return int(cast(CursorResult[Any], result).rowcount)


async def _advance(
    session: AsyncSession, groups: dict[tuple[datetime, datetime, datetime], list[int]]
) -> None:
    """Move subscriptions on, each only if its next_due_at is still the one this tick read."""
    subs = cast(Table, SubscriptionRow.__table__)
    postgres = _dialect(session) == "postgresql"
    for (due, following, window), ids in groups.items():
        # one array or JSON parameter: no variable limit, nothing to expand per id
        if postgres:
            chosen = subs.c.id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
        else:
            listed = func.json_each(bindparam("ids", json.dumps(ids), type_=String))
            chosen = subs.c.id.in_(select(listed.table_valued("value").c.value))
        await session.execute(
            update(subs)
            .where(chosen, subs.c.next_due_at == due)
            .values(next_due_at=following, last_window_end=window)
        )


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
        return await self._collect(audience, _TickMemo())

    async def _window(self, start: datetime, end: datetime, timezone: str) -> list[EventView]:
        """Published events first reported in the window, by id: one query per window."""
        dates = reported_dates(start, end, zone_of(timezone))
        reported = or_(
            and_(
                EventRow.reported_on.is_(None),
                EventRow.reported_at >= start,
                EventRow.reported_at < end,
            ),
            EventRow.reported_on.in_(dates),
        )
        stmt = select(EventRow.id).where(EventRow.status == "published", reported)
        async with self._sessions() as session:
            ids = list((await session.scalars(stmt.order_by(EventRow.id))).all())
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
            return split_html(self._render("daily_empty.html", d=data))
        return split_html(self._render("daily.html", d=data))

    async def edition(self, audience: Audience) -> tuple[int | None, int]:
        """Get or render the audience's edition; returns (edition id or None if empty, parts)."""
        return await self._edition(audience, _TickMemo())

    async def _edition(self, audience: Audience, memo: _TickMemo) -> tuple[int | None, int]:
        key = audience.key
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(EditionRow.id, EditionRow.parts).where(EditionRow.audience_key == key)
                )
            ).first()
        if found is not None:
            return (found.id if found.parts else None), found.parts
        data = await self._collect(audience, memo)
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
        memo = _TickMemo()
        while True:
            rows = await self._due_batch(now)
            if not rows:
                return report
            missed = report.skipped_missed
            await self._enqueue_batch(rows, now, report, memo)
            # Another pass when the batch was full, or when a missed edition moved a
            # subscription to a slot that is already due (a catch-up within grace).
            if len(rows) < TICK_BATCH and report.skipped_missed == missed:
                return report

    async def _due_batch(self, now: datetime) -> list[_DueRow]:
        """The next batch of active subscriptions due by `now`, with their chat's type."""
        subs = SubscriptionRow
        stmt = (
            select(
                subs.id,
                subs.chat_id,
                subs.thread_id,
                subs.delivery_minute,
                subs.timezone,
                subs.places,
                subs.event_types,
                subs.empty_note,
                subs.next_due_at,
                subs.last_window_end,
                Chat.type,
            )
            .outerjoin(Chat, Chat.id == subs.chat_id)
            .where(subs.status == "active", subs.next_due_at <= now)
            .order_by(subs.next_due_at)
            .limit(TICK_BATCH)
        )
        async with self._sessions() as session:
            connection = await session.connection()  # Core rows: no ORM loading per row
            return cast(list[_DueRow], (await connection.execute(stmt)).all())

    async def _enqueue_batch(
        self, rows: list[_DueRow], now: datetime, report: TickReport, memo: _TickMemo
    ) -> None:
        # due -> (dedupe_key, chat_id, chat_type, thread_id, edition_id, part_no)
        outbox: dict[datetime, list[tuple[Any, ...]]] = {}
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
        async with self._sessions.begin() as session:
            for due, queued in outbox.items():
                report.enqueued += await _insert_outbox(session, due, now, queued)
            await _advance(session, advances)

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

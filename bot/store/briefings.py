"""The daily editions' storage: events reported in a window, stored editions, due subscriptions,
and the guarded advance that moves subscriptions on after a tick."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    Table,
    and_,
    any_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.editions.model import Advances, DueRow, EditionExport, NewEdition
from bot.domain.events.model import EventStatus
from bot.store.dialect import backend_name, dialect_for
from bot.store.editions import store_edition
from bot.store.models.delivery import EditionPartRow, EditionRow, OutboxRow, SubscriptionRow
from bot.store.models.edition_files import EditionFileRow
from bot.store.models.events import EventRow
from bot.store.models.newsroom import EditionEventRow
from bot.store.models.people import Chat


def dialect_of(session: AsyncSession) -> str:
    """The session's database dialect name ("sqlite" when unbound)."""
    return backend_name(session)


async def advance_subscriptions(session: AsyncSession, groups: Advances) -> None:
    """Move subscriptions on, each only if its next_due_at is still the one this tick read."""
    subs = cast(Table, SubscriptionRow.__table__)
    postgres = dialect_for(session).array_parameters
    for (due, following, window), ids in groups.items():
        # one array or JSON parameter: no variable limit, nothing to expand per id
        if postgres:
            from sqlalchemy.dialects.postgresql import ARRAY  # PostgreSQL stores only

            chosen = subs.c.id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
        else:
            listed = func.json_each(bindparam("ids", json.dumps(ids), type_=String))
            chosen = subs.c.id.in_(select(listed.table_valued("value").c.value))
        await session.execute(
            update(subs)
            .where(chosen, subs.c.next_due_at == due)
            .values(next_due_at=following, last_window_end=window)
        )


def _reported_in(start: datetime, end: datetime, dates: Sequence[date]) -> ColumnElement[bool]:
    """Published and first reported in [start, end), or on one of `dates` (date-only)."""
    return and_(
        EventRow.status == EventStatus.PUBLISHED,
        or_(
            and_(
                EventRow.reported_on.is_(None),
                EventRow.reported_at >= start,
                EventRow.reported_at < end,
            ),
            EventRow.reported_on.in_(list(dates)),
        ),
    )


class BriefingStore:
    """Reads and writes what the daily editions need (implements EditionRepository)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def published_in_window(
        self, start: datetime, end: datetime, dates: Sequence[date]
    ) -> list[int]:
        """Published events first reported in the window, by id: one query per window."""
        stmt = select(EventRow.id).where(_reported_in(start, end, dates))
        async with self._sessions() as session:
            return list((await session.scalars(stmt.order_by(EventRow.id))).all())

    async def tally_in_window(
        self, start: datetime, end: datetime, dates: Sequence[date]
    ) -> list[tuple[str | None, str, str]]:
        """(place key, place as written, type) of the window's published events, twins left
        out: what a trend counts, in one statement."""
        stmt = select(EventRow.place_key, EventRow.place_text, EventRow.event_type).where(
            _reported_in(start, end, dates), EventRow.merged_into.is_(None)
        )
        async with self._sessions() as session:
            rows = (await session.execute(stmt.order_by(EventRow.id))).all()
        return [(r.place_key, r.place_text, r.event_type) for r in rows]

    async def corrected_in_window(self, start: datetime, end: datetime) -> list[int]:
        """Events reported before the window, carried by an edition, changed or retracted in
        it (readers were told something that is different now)."""
        carried = select(EditionEventRow.event_id).where(EditionEventRow.event_id == EventRow.id)
        stmt = select(EventRow.id).where(
            EventRow.status.in_([EventStatus.PUBLISHED, EventStatus.RETRACTED]),
            EventRow.reported_at < start,
            EventRow.updated_at >= start,
            EventRow.updated_at < end,
            carried.exists(),
        )
        async with self._sessions() as session:
            return list((await session.scalars(stmt.order_by(EventRow.id))).all())

    async def find(self, key: str) -> tuple[int, int] | None:
        """(id, parts) of the edition stored under `key`, if any."""
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(EditionRow.id, EditionRow.parts).where(EditionRow.audience_key == key)
                )
            ).first()
        return (found.id, found.parts) if found is not None else None

    async def export(self, edition_id: int, chat_id: int) -> EditionExport | None:
        """The edition's parts and pictures, if it was queued for this chat."""
        async with self._sessions() as session:
            sent = await session.scalar(
                select(OutboxRow.id)
                .where(OutboxRow.edition_id == edition_id, OutboxRow.chat_id == chat_id)
                .limit(1)
            )
            edition = await session.get(EditionRow, edition_id)
            if sent is None or edition is None:
                return None
            parts = await session.scalars(
                select(EditionPartRow.text)
                .where(EditionPartRow.edition_id == edition_id)
                .order_by(EditionPartRow.part_no)
            )
            files = await session.scalars(
                select(EditionFileRow.content)
                .where(EditionFileRow.edition_id == edition_id, EditionFileRow.kind == "photo")
                .order_by(EditionFileRow.file_no)
            )
            return EditionExport(edition.kind, edition.local_date, tuple(parts), tuple(files))

    async def picture_count(self, edition_id: int) -> int:
        """How many pictures are stored with an edition."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(func.count()).where(EditionFileRow.edition_id == edition_id)
            )
        return int(found or 0)

    async def store(self, edition: NewEdition) -> tuple[int, int]:
        """Store an edition once (by its key); (id, parts) of the stored one."""
        async with self._sessions.begin() as session:
            row = await store_edition(session, edition)
            return row.id, row.parts

    async def due(self, now: datetime, limit: int) -> list[DueRow]:
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
                subs.weekly_day,
            )
            .outerjoin(Chat, Chat.id == subs.chat_id)
            .where(subs.status == "active", subs.next_due_at <= now)
            .order_by(subs.next_due_at)
            .limit(limit)
        )
        async with self._sessions() as session:
            connection = await session.connection()  # Core rows: no ORM loading per row
            return cast(list[DueRow], (await connection.execute(stmt)).all())

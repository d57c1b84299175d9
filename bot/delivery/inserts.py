"""The outbox's inserts: messages as given, and a tick's edition parts in one set-based statement
per due instant (with the tick's subscription advance in the same transaction)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CursorResult,
    Integer,
    String,
    Table,
    bindparam,
    case,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.delivery_states import PICTURE_PART, OutboxKind, OutboxState
from bot.domain.editions.model import Advances, EditionPart
from bot.domain.messages import NewMessage
from bot.store.briefings import advance_subscriptions, dialect_of
from bot.store.models.base import UTCDateTime
from bot.store.models.delivery import OutboxRow
from bot.store.upsert import insert_for

_PART_COLUMNS = ("dedupe_key", "chat_id", "chat_type", "thread_id", "edition_id", "part_no")
_PART_TYPES: tuple[Any, ...] = (String, BigInteger, String, BigInteger, Integer, Integer)
_PART_FIELDS = tuple(zip(_PART_COLUMNS, _PART_TYPES, strict=True))


async def insert_messages(
    session: AsyncSession, messages: Sequence[NewMessage], now: datetime
) -> int:
    """Insert queued messages; ones whose dedupe key exists already are skipped. New rows."""
    rows = [
        {
            "kind": m.kind,
            "dedupe_key": m.dedupe_key,
            "chat_id": m.chat_id,
            "chat_type": m.chat_type,
            "thread_id": m.thread_id,
            "edition_id": m.edition_id,
            "part_no": m.part_no,
            "text": m.text,
            "reply_to_message_id": m.reply_to_message_id,
            "batch": m.batch,
            "state": OutboxState.QUEUED,
            "attempts": 0,
            "not_before": m.not_before or now,
            "created_at": now,
        }
        for m in messages
    ]
    table = OutboxRow.__table__
    stmt = (
        insert_for(session, table)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(table.c.id)
    )
    result = await session.execute(stmt, rows)
    return len(result.all())


async def insert_edition_parts(
    session: AsyncSession, due: datetime, now: datetime, rows: Sequence[EditionPart]
) -> int:
    """Insert queued edition parts due at `due`, skipping dedupe keys already there, in one
    statement (rows as one JSON or array parameter per batch); how many were new.

    Each row is (dedupe_key, chat_id, chat_type, thread_id, edition_id, part_no).
    """
    table = cast(Table, OutboxRow.__table__)
    if dialect_of(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY  # PostgreSQL stores only

        source = (
            func.unnest(
                *(
                    bindparam(f"p_{name}", [r[i] for r in rows], type_=ARRAY(kind))
                    for i, (name, kind) in enumerate(_PART_FIELDS)
                )
            )
            .table_valued(*_PART_COLUMNS)
            .render_derived()
        )
        values: list[ColumnElement[Any]] = [source.c[name] for name in _PART_COLUMNS]
    else:
        source = func.json_each(
            bindparam("p_rows", json.dumps(list(rows)), type_=String)
        ).table_valued("value")
        values = [func.json_extract(source.c.value, f"$[{i}]") for i in range(len(_PART_COLUMNS))]
    # part numbers from PICTURE_PART on are the edition's pictures, sent as photos
    kind = case(
        (values[-1] >= PICTURE_PART, OutboxKind.PHOTO.value), else_=OutboxKind.EDITION.value
    )
    chosen = select(
        kind,
        *values,
        literal(OutboxState.QUEUED.value),
        literal(0),
        literal(due, UTCDateTime()),
        literal(now, UTCDateTime()),
    ).where(true())  # SQLite: INSERT … SELECT … ON CONFLICT needs a WHERE to parse
    stmt = (
        insert_for(session, table)
        .from_select(
            ["kind", *_PART_COLUMNS, "state", "attempts", "not_before", "created_at"], chosen
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    result = await session.execute(stmt)
    return int(cast(CursorResult[Any], result).rowcount)


class EditionQueue:
    """Queues a tick's edition parts and advances its subscriptions in one transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def enqueue_tick(
        self, parts: Mapping[datetime, Sequence[EditionPart]], advances: Advances, now: datetime
    ) -> int:
        """Queue parts (by due instant; known dedupe keys skipped), advance; new rows."""
        enqueued = 0
        async with self._sessions.begin() as session:
            for due, queued in parts.items():
                enqueued += await insert_edition_parts(session, due, now, queued)
            await advance_subscriptions(session, advances)
        return enqueued

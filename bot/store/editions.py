"""Storing a rendered edition (daily briefing, push or alert): its parts and which events it
carried, so corrections can find every chat that got an event."""

from __future__ import annotations

import html
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.editions.model import NewEdition
from bot.domain.events.model import EventView
from bot.store.models.delivery import EditionPartRow, EditionRow
from bot.store.models.edition_files import EditionFileRow
from bot.store.models.newsroom import EditionEventRow
from bot.store.upsert import insert_for


def part_of(event: EventView, parts: Sequence[str]) -> int:
    """Which part shows the event (found by its escaped summary); 0 when unsure."""
    needle = html.escape(event.summary[:60], quote=False)
    for i, text in enumerate(parts):
        if needle in text:
            return i
    return 0


async def store_edition(session: AsyncSession, edition: NewEdition) -> EditionRow:
    """Insert an edition once (by its key) with its parts and events; return its row."""
    key, parts, events = edition.key, edition.parts, edition.events
    stmt = insert_for(session, EditionRow).values(
        audience_key=key,
        kind=edition.kind,
        local_date=edition.local_date,
        timezone=edition.timezone,
        window_start=edition.window_start,
        window_end=edition.window_end,
        event_count=len(events),
        parts=len(parts),
        created_at=edition.now,
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["audience_key"]))
    row = await session.scalar(select(EditionRow).where(EditionRow.audience_key == key))
    assert row is not None
    existing = await session.scalar(
        select(EditionPartRow.part_no).where(EditionPartRow.edition_id == row.id).limit(1)
    )
    if existing is None and parts:
        await session.execute(
            insert_for(session, EditionPartRow).on_conflict_do_nothing(),
            [{"edition_id": row.id, "part_no": i, "text": t} for i, t in enumerate(parts)],
        )
        if edition.files:
            await session.execute(
                insert_for(session, EditionFileRow).on_conflict_do_nothing(),
                [
                    {"edition_id": row.id, "file_no": n, "kind": f.kind, "filename": f.filename,
                     "content": f.content, "caption": f.caption}
                    for n, f in enumerate(edition.files)
                ],
            )  # fmt: skip
        if events:
            await session.execute(
                insert_for(session, EditionEventRow).on_conflict_do_nothing(),
                [
                    {"edition_id": row.id, "event_id": e.id, "part_no": part_of(e, parts)}
                    for e in {e.id: e for e in events}.values()
                ],
            )
    return row

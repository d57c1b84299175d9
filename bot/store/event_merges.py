"""Merged events: one happening told by several sources, and the admin's split that undoes it.

An event merged into another keeps its row (its own sources, its dataset key) with
``merged_into`` set: searches, answers and editions show only the event it was merged into, with
every source counted. Splitting an event frees the events merged into it (and frees it from the
one it was merged into), so the merge is reversible; the handler records it in the audit log, and
the events split apart are remembered (event_splits): the merge pass never joins them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events.merge_pass import Stored
from bot.domain.events.records import ACTOR_SEP, split_actors
from bot.domain.events.twins import Account
from bot.store.models.events import EventRow
from bot.store.models.splits import EventSplitRow


class EventMerges:
    """Merging and splitting stored events (the domain's MergeStore)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def unmerged(self, first: date, last: date) -> list[Stored]:
        """Published events not merged into another, dated within [first, last]."""
        e = EventRow
        stmt = select(
            e.id, e.external_key, e.place_key, e.date_start, e.date_last, e.summary,
            e.event_type, e.sub_event_type, e.actor1_text, e.actor2_text, e.actors_text,
        ).where(
            e.status == "published", e.merged_into.is_(None),
            e.date_start <= last, e.date_last >= first,
        )  # fmt: skip
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        out = []
        for r in rows:
            actors = split_actors(
                f"{r.actor1_text}{ACTOR_SEP}{r.actor2_text}{ACTOR_SEP}{r.actors_text}"
            )
            account = Account(r.summary, r.event_type or "", r.sub_event_type or "", actors)
            out.append(
                Stored(r.id, r.external_key, r.place_key, r.date_start, r.date_last, account)
            )
        return out

    async def merge(self, into: int, ids: Sequence[int]) -> list[int]:
        """Merge events into one (never into itself, never into a merged event, never a chain);
        the ids actually merged."""
        async with self._sessions.begin() as session:
            target = await session.get(EventRow, into)
            if target is None or target.merged_into is not None:
                return []
            wanted = [i for i in dict.fromkeys(ids) if i != into]
            if not wanted:
                return []
            rows = (
                await session.scalars(
                    select(EventRow.id).where(
                        EventRow.id.in_(wanted), EventRow.merged_into.is_(None)
                    )
                )
            ).all()
            merged = list(rows)
            # Events already merged into one of these follow it to the new target.
            await session.execute(
                update(EventRow).where(EventRow.merged_into.in_(merged)).values(merged_into=into)
            )
            await session.execute(
                update(EventRow).where(EventRow.id.in_(merged)).values(merged_into=into)
            )
            return sorted(merged)

    async def split(self, event_id: int) -> list[int] | None:
        """Undo the merges of an event: the ids freed (the event's own merged events, or the
        event itself when it was merged into another); None when there is no such event."""
        async with self._sessions.begin() as session:
            row = await session.get(EventRow, event_id)
            if row is None:
                return None
            freed = list(
                (
                    await session.scalars(
                        select(EventRow.id).where(
                            or_(EventRow.merged_into == event_id, EventRow.id == event_id),
                            EventRow.merged_into.is_not(None),
                        )
                    )
                ).all()
            )
            if freed:
                heads = (
                    await session.execute(
                        select(EventRow.id, EventRow.merged_into).where(EventRow.id.in_(freed))
                    )
                ).all()
                group = sorted({i for pair in heads for i in pair if i is not None})
                await session.execute(
                    update(EventRow).where(EventRow.id.in_(freed)).values(merged_into=None)
                )
                # every two of the group stay apart: the merge pass never joins them again
                pairs = [(a, b) for n, a in enumerate(group) for b in group[n + 1 :]]
                rows = await session.execute(
                    select(EventSplitRow.event_id, EventSplitRow.other_id).where(
                        EventSplitRow.event_id.in_(group)
                    )
                )
                known = {(a, b) for a, b in rows.all()}
                session.add_all(
                    EventSplitRow(event_id=a, other_id=b) for a, b in pairs if (a, b) not in known
                )
            return sorted(freed)

    async def apart(self) -> set[frozenset[int]]:
        """Pairs of events an admin split apart."""
        async with self._sessions() as session:
            rows = await session.execute(select(EventSplitRow.event_id, EventSplitRow.other_id))
            return {frozenset((a, b)) for a, b in rows.all()}

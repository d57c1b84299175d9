"""Sources that feed themselves, in SQL: the sources with their health and polling lease, and the
items they brought, each kept once per source and pending until extracted.

Leases: a due source (or pending item) is claimed by one instance with `FOR UPDATE SKIP LOCKED`
on PostgreSQL; on SQLite every write transaction is BEGIN IMMEDIATE, so the select-and-update
claim is atomic. A lease that runs out (its instance died) is claimed again by anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.sources.model import (
    FeedItem,
    NewSource,
    PendingItem,
    Source,
    SourceKind,
    Trust,
)
from bot.domain.sources.ports import DuplicateSource, ItemKeys, PollResult
from bot.store.dialect import dialect_for
from bot.store.models.sources import NewsItemRow, NewsSourceRow

MAX_ERROR = 300
MAX_ATTEMPTS = 3  # an item whose extraction killed or failed its worker this often is given up


def _view(row: NewsSourceRow) -> Source:
    return Source(
        id=row.id,
        kind=SourceKind(row.kind),
        url=row.url,
        name=row.name,
        interval=row.interval_s,
        trust=Trust(row.trust),
        full_text=row.full_text,
        focus=row.focus,
        since=row.since,
        chat_id=row.chat_id,
        paused=row.paused,
        created_at=row.created_at,
        etag=row.etag,
        last_modified=row.last_modified,
        last_success_at=row.last_success_at,
        last_error_at=row.last_error_at,
        last_error=row.last_error,
        failures=row.failures,
        items_seen=row.items_seen,
        polls=row.polls,
        next_poll_at=row.next_poll_at,
    )


def _item_values(source_id: int, keys: ItemKeys, item: FeedItem, now: datetime) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "item_key": keys.item,
        "link_key": keys.link,
        "content_key": keys.content,
        "title": item.title,
        "link": item.link,
        "text": item.text,
        "published_at": item.published,
        "seen_at": now,
        "state": "pending",
        "attempts": 0,
        "note": "",
    }


class SourceStore:
    """The domain's SourceRepository; every call is its own unit of work."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def add(self, new: NewSource, *, by: int | None, now: datetime) -> Source:
        """Store a source, due at once (DuplicateSource when its URL or chat is one already)."""
        row = NewsSourceRow(
            kind=new.kind.value,
            url=new.url,
            chat_id=new.chat_id,
            name=new.name,
            interval_s=new.interval,
            trust=new.trust.value,
            full_text=new.full_text,
            focus=new.focus,
            since=new.since,
            paused=False,
            created_at=now,
            created_by=by,
            etag="",
            last_modified="",
            last_error="",
            failures=0,
            items_seen=0,
            polls=0,
            next_poll_at=now if new.kind is SourceKind.FEED else None,
        )
        try:
            async with self._sessions.begin() as session:
                session.add(row)
                await session.flush()
                return _view(row)
        except IntegrityError:
            raise DuplicateSource(new.url) from None

    async def get(self, source_id: int) -> Source | None:
        """One source."""
        async with self._sessions() as session:
            row = await session.get(NewsSourceRow, source_id)
            return _view(row) if row is not None else None

    async def by_chat(self, chat_id: int) -> Source | None:
        """The channel source of this chat, if any."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(NewsSourceRow).where(NewsSourceRow.chat_id == chat_id)
            )
            return _view(row) if row is not None else None

    async def all(self) -> list[Source]:
        """Every source, oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(select(NewsSourceRow).order_by(NewsSourceRow.id))
            return [_view(r) for r in rows.all()]

    async def remove(self, source_id: int) -> bool:
        """Delete a source and the items it brought (their events stay)."""
        async with self._sessions.begin() as session:
            row = await session.get(NewsSourceRow, source_id)
            if row is None:
                return False
            await session.delete(row)
            return True

    async def set_paused(self, source_id: int, paused: bool) -> bool:
        """Pause or resume polling."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(NewsSourceRow)
                .where(NewsSourceRow.id == source_id)
                .values(paused=paused)
                .execution_options(synchronize_session=False)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def claim_due(
        self, instance: str, now: datetime, limit: int, lease_seconds: int
    ) -> list[Source]:
        """Lease up to `limit` due feed sources to this instance, most overdue first."""
        due = (
            select(NewsSourceRow.id)
            .where(
                NewsSourceRow.kind == SourceKind.FEED.value,
                NewsSourceRow.paused.is_(False),
                NewsSourceRow.next_poll_at <= now,
                or_(NewsSourceRow.lease_until.is_(None), NewsSourceRow.lease_until < now),
            )
            .order_by(NewsSourceRow.next_poll_at, NewsSourceRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        until = now + timedelta(seconds=lease_seconds)
        async with self._sessions.begin() as session:
            ids = list((await session.scalars(due)).all())
            if not ids:
                return []
            await session.execute(
                update(NewsSourceRow)
                .where(NewsSourceRow.id.in_(ids))
                .values(lease_by=instance, lease_until=until)
                .execution_options(synchronize_session=False)
            )
            rows = await session.scalars(
                select(NewsSourceRow)
                .where(NewsSourceRow.id.in_(ids))
                .order_by(NewsSourceRow.next_poll_at, NewsSourceRow.id)
            )
            return [_view(r) for r in rows.all()]

    async def known_keys(self, source_id: int, keys: Sequence[ItemKeys]) -> set[str]:
        """Which of these item and content keys this source has brought before."""
        wanted = {k.item for k in keys if k.item} | {k.content for k in keys if k.content}
        if not wanted:
            return set()
        found: set[str] = set()
        async with self._sessions() as session:
            rows = await session.execute(
                select(NewsItemRow.item_key, NewsItemRow.content_key).where(
                    NewsItemRow.source_id == source_id,
                    or_(
                        NewsItemRow.item_key.in_(wanted),
                        NewsItemRow.content_key.in_(wanted),
                    ),
                )
            )
            for item_key, content_key in rows.all():
                found.update((item_key, content_key))
        return found & wanted

    async def record_poll(
        self,
        source_id: int,
        instance: str,
        result: PollResult,
        next_poll_at: datetime,
        items: Sequence[tuple[ItemKeys, FeedItem]],
        now: datetime,
    ) -> int:
        """In one transaction: store the new items (pending), the poll's outcome and the next
        poll, and release the lease (only while this instance holds it). New items stored."""
        values: dict[str, Any] = {
            "lease_by": None,
            "lease_until": None,
            "next_poll_at": next_poll_at,
            "polls": NewsSourceRow.polls + 1,
        }
        if result.ok:
            values.update(last_success_at=now, failures=0, last_error="")
            if not result.not_modified:
                values.update(etag=result.etag[:1000], last_modified=result.last_modified[:64])
        else:
            values.update(
                last_error_at=now,
                last_error=result.error[:MAX_ERROR],
                failures=NewsSourceRow.failures + 1,
            )
        rows = [_item_values(source_id, k, i, now) for k, i in items if k.item]
        async with self._sessions.begin() as session:
            held = await session.execute(
                update(NewsSourceRow)
                .where(NewsSourceRow.id == source_id, NewsSourceRow.lease_by == instance)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if not held.rowcount:  # type: ignore[attr-defined]
                return 0  # the lease ran out and another instance polls it now
            added = await self._insert_items(session, rows)
            if added:
                await session.execute(
                    update(NewsSourceRow)
                    .where(NewsSourceRow.id == source_id)
                    .values(items_seen=NewsSourceRow.items_seen + added)
                    .execution_options(synchronize_session=False)
                )
            return added

    @staticmethod
    async def _insert_items(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
        if not rows:
            return 0
        table = NewsItemRow.__table__
        stmt = (
            dialect_for(session)
            .insert(table)
            .on_conflict_do_nothing(index_elements=["source_id", "item_key"])
            .returning(NewsItemRow.id)
        )
        added = 0
        for start in range(0, len(rows), 500):
            result = await session.execute(stmt, rows[start : start + 500])
            added += len(result.all())
        return added

    async def add_post(self, source_id: int, keys: ItemKeys, item: FeedItem, now: datetime) -> bool:
        """Store a channel post as a pending item (False when it is known already)."""
        async with self._sessions.begin() as session:
            added = await self._insert_items(session, [_item_values(source_id, keys, item, now)])
            if added:
                await session.execute(
                    update(NewsSourceRow)
                    .where(NewsSourceRow.id == source_id)
                    .values(items_seen=NewsSourceRow.items_seen + 1, last_success_at=now)
                    .execution_options(synchronize_session=False)
                )
            return bool(added)

    async def claim_items(
        self, instance: str, now: datetime, limit: int, lease_seconds: int
    ) -> list[PendingItem]:
        """Lease up to `limit` pending items to this instance, oldest first."""
        ready = (
            select(NewsItemRow.id)
            .where(
                NewsItemRow.state == "pending",
                or_(NewsItemRow.claimed_until.is_(None), NewsItemRow.claimed_until < now),
            )
            .order_by(NewsItemRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        until = now + timedelta(seconds=lease_seconds)
        async with self._sessions.begin() as session:
            ids = list((await session.scalars(ready)).all())
            if not ids:
                return []
            await session.execute(
                update(NewsItemRow)
                .where(NewsItemRow.id.in_(ids))
                .values(claimed_by=instance, claimed_until=until, attempts=NewsItemRow.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            found = await session.execute(
                select(NewsItemRow, NewsSourceRow)
                .join(NewsSourceRow, NewsSourceRow.id == NewsItemRow.source_id)
                .where(NewsItemRow.id.in_(ids))
                .order_by(NewsItemRow.id)
            )
            out = []
            for item, source in found.all():
                if item.attempts > MAX_ATTEMPTS:
                    item.state, item.note, item.done_at = "failed", "given up", now
                    continue
                out.append(
                    PendingItem(
                        id=item.id,
                        source_id=source.id,
                        source_name=source.name,
                        trust=Trust(source.trust),
                        full_text=source.full_text,
                        item_key=item.item_key,
                        link_key=item.link_key,
                        content_key=item.content_key,
                        item=FeedItem(
                            guid="",
                            link=item.link,
                            title=item.title,
                            text=item.text,
                            published=item.published_at,
                        ),
                    )
                )
            return out

    async def finish_item(
        self,
        item_id: int,
        instance: str,
        *,
        ok: bool,
        article_id: int | None,
        note: str,
        now: datetime,
    ) -> None:
        """Mark an item extracted (or failed for good) and release it."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(NewsItemRow)
                .where(NewsItemRow.id == item_id, NewsItemRow.claimed_by == instance)
                .values(
                    state="done" if ok else "failed",
                    article_id=article_id,
                    note=note[:MAX_ERROR],
                    done_at=now,
                    claimed_until=None,
                )
                .execution_options(synchronize_session=False)
            )

    async def carried_elsewhere(self, item: PendingItem) -> int | None:
        """The article of the same story already extracted from another source (its link or
        content key, or a GUID that is a URL), or None."""
        matches = [NewsItemRow.item_key == item.item_key]
        if item.link_key:
            matches.append(NewsItemRow.link_key == item.link_key)
        if item.content_key:
            matches.append(NewsItemRow.content_key == item.content_key)
        async with self._sessions() as session:
            return await session.scalar(
                select(NewsItemRow.article_id)
                .where(
                    NewsItemRow.source_id != item.source_id,
                    NewsItemRow.state == "done",
                    NewsItemRow.article_id.is_not(None),
                    or_(*matches),
                )
                .order_by(NewsItemRow.id)
                .limit(1)
            )

    async def pending_count(self) -> int:
        """Items waiting for extraction."""
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(NewsItemRow).where(NewsItemRow.state == "pending")
            )
            return int(count or 0)

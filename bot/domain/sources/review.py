"""The review side of sources: a digest to admins once per review interval ("14 new drafts from
5 sources"), and the queue `/review` walks — publish, discard, or merge a draft into a published
event at the same place (its sources move there). Admin-only; the handlers audit every press.

The digest goes through the outbox with one key per admin and interval, so however many
instances tick, each admin gets it once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.domain.clock import Clock
from bot.domain.events.model import EventStatus, EventView, SourceInfo
from bot.domain.messages import NewMessage

REVIEW_INTERVAL = timedelta(hours=1)
DIGEST_KIND = "digest"
MERGE_CHOICES = 3


class ReviewEvents(Protocol):
    """The event store as review uses it."""

    async def get(self, event_id: int) -> EventView | None:
        """One event."""
        ...

    async def list_events(
        self,
        *,
        place_keys: Sequence[str] | None = None,
        statuses: Sequence[EventStatus] = (EventStatus.PUBLISHED,),
        limit: int = 10,
        offset: int = 0,
    ) -> list[EventView]:
        """Events newest first."""
        ...

    async def count(self, *, statuses: Sequence[EventStatus] | None = None) -> int:
        """How many events."""
        ...

    async def set_status(
        self, ids: Sequence[int], status: EventStatus, *, by: int | None = None
    ) -> list[EventView]:
        """Publish (and mark reviewed)."""
        ...

    async def discard_drafts(self, ids: Sequence[int]) -> int:
        """Delete drafts."""
        ...

    async def add_source(
        self, event_id: int, source: SourceInfo, *, by: int | None = None
    ) -> EventView:
        """Attach a source."""
        ...


class DraftCounts(Protocol):
    """How many drafts sources brought in a window (bot.store.source_review)."""

    async def drafts_between(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(drafts still waiting, sources they came from) of items extracted in [start, end)."""
        ...


class Enqueue(Protocol):
    """The outbox."""

    async def enqueue(self, messages: Sequence[NewMessage]) -> int:
        """Queue messages (a known dedupe key is skipped)."""
        ...


@dataclass(frozen=True)
class Queue:
    """The draft on top of the review queue and how many wait."""

    draft: EventView | None
    waiting: int


def window_start(now: datetime, interval: timedelta = REVIEW_INTERVAL) -> datetime:
    """The start of the review interval `now` is in (intervals from the Unix epoch, UTC)."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    steps = (now - epoch) // interval
    return epoch + steps * interval


class ReviewService:
    """Digest ticks and the review queue."""

    def __init__(
        self,
        events: ReviewEvents,
        counts: DraftCounts,
        outbox: Enqueue,
        admin_ids: Callable[[], Any],
        render: Callable[..., str],
        clock: Clock,
        interval: timedelta = REVIEW_INTERVAL,
    ) -> None:
        self._events = events
        self._counts = counts
        self._outbox = outbox
        self._admin_ids = admin_ids
        self._render = render
        self._clock = clock
        self.interval = interval

    async def digest_tick(self) -> int:
        """Queue the digest of the last finished interval to every admin, once. Rows queued."""
        end = window_start(self._clock.now(), self.interval)
        start = end - self.interval
        drafts, sources = await self._counts.drafts_between(start, end)
        if not drafts:
            return 0
        text = self._render("sources_messages.html", "digest", drafts=drafts, sources=sources)
        admins: frozenset[int] = await self._admin_ids()
        key = f"digest:{int(end.timestamp())}"
        return await self._outbox.enqueue(
            [
                NewMessage(kind=DIGEST_KIND, dedupe_key=f"{key}:{admin}", chat_id=admin, text=text)
                for admin in sorted(admins)
            ]
        )

    async def top(self) -> Queue:
        """The newest draft and how many drafts wait."""
        drafts = await self._events.list_events(statuses=(EventStatus.DRAFT,), limit=1)
        waiting = await self._events.count(statuses=(EventStatus.DRAFT,))
        return Queue(drafts[0] if drafts else None, waiting)

    async def _draft(self, event_id: int) -> EventView | None:
        event = await self._events.get(event_id)
        return event if event is not None and event.status is EventStatus.DRAFT else None

    async def publish(self, event_id: int, *, by: int | None) -> bool:
        """Publish a draft (False when it is no longer one)."""
        if await self._draft(event_id) is None:
            return False
        await self._events.set_status([event_id], EventStatus.PUBLISHED, by=by)
        return True

    async def discard(self, event_id: int) -> bool:
        """Delete a draft (False when it is no longer one)."""
        return bool(await self._events.discard_drafts([event_id]))

    async def merge_targets(self, event_id: int) -> list[EventView] | None:
        """Published events at the draft's place, newest first (None: not a draft any more)."""
        draft = await self._draft(event_id)
        if draft is None:
            return None
        if draft.place_key is None:
            return []
        found = await self._events.list_events(
            place_keys=[draft.place_key], limit=MERGE_CHOICES + 1
        )
        return [e for e in found if e.id != event_id][:MERGE_CHOICES]

    async def merge(self, event_id: int, into: int, *, by: int | None) -> bool:
        """Move a draft's sources to a published event and discard the draft."""
        draft = await self._draft(event_id)
        target = await self._events.get(into)
        if draft is None or target is None or target.status is not EventStatus.PUBLISHED:
            return False
        for source in draft.sources:
            await self._events.add_source(into, source, by=by)
        await self._events.discard_drafts([event_id])
        return True

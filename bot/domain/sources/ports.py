"""What the source poller needs from the outside: a fetcher, a parser, and storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.domain.sources.model import FeedItem, NewSource, ParsedFeed, PendingItem, Source


class FetchOutcome(StrEnum):
    """How a fetch ended."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"  # 304: nothing new
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Fetched:
    """The result of one conditional GET."""

    outcome: FetchOutcome
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    error: str = ""  # one line, for the source's health
    retry_after: float | None = None  # seconds the server asked us to wait
    final_url: str = ""


class FeedFetcher(Protocol):
    """Fetches feeds and linked pages over HTTP(S) (bot.feeds.fetch)."""

    async def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
        """A conditional GET of a feed: never raises for network or HTTP errors."""
        ...

    async def article_text(self, url: str) -> str:
        """The main text of the page at `url`, or "" when it cannot be had."""
        ...


class FeedParser(Protocol):
    """Parses a fetched document (bot.feeds.parse)."""

    def __call__(self, body: bytes, content_type: str) -> ParsedFeed:
        """The feed's items; ValueError when the document is not a feed or is refused."""
        ...


class DuplicateSource(ValueError):
    """The URL or channel is already a source."""


@dataclass(frozen=True, slots=True)
class ItemKeys:
    """The keys an item is known by: GUID (scoped), link and content hash; any one may be ""."""

    guid: str
    link: str
    content: str

    @property
    def item(self) -> str:
        """The item's identity in its source: GUID, else link, else content key."""
        return self.guid or self.link or self.content


@dataclass(frozen=True, slots=True)
class PollResult:
    """How one poll of one source ended, for its health."""

    ok: bool
    not_modified: bool = False
    error: str = ""
    etag: str = ""
    last_modified: str = ""
    new_items: int = 0
    retry_after: float | None = None


class SourceRepository(Protocol):
    """Sources, their leases and health, and the items they brought (bot.store.sources)."""

    async def add(self, new: NewSource, *, by: int | None, now: datetime) -> Source:
        """Store a source, due at once (DuplicateSource when its URL or chat is one already)."""
        ...

    async def get(self, source_id: int) -> Source | None:
        """One source."""
        ...

    async def by_chat(self, chat_id: int) -> Source | None:
        """The channel source of this chat, if any."""
        ...

    async def all(self) -> list[Source]:
        """Every source, oldest first."""
        ...

    async def remove(self, source_id: int) -> bool:
        """Delete a source and the items it brought (their events stay)."""
        ...

    async def set_paused(self, source_id: int, paused: bool) -> bool:
        """Pause or resume polling."""
        ...

    async def claim_due(
        self, instance: str, now: datetime, limit: int, lease_seconds: int
    ) -> list[Source]:
        """Lease up to `limit` due feed sources to this instance; none is leased twice."""
        ...

    async def known_keys(self, source_id: int, keys: Sequence[ItemKeys]) -> set[str]:
        """Which of these item and content keys this source has brought before."""
        ...

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
        ...

    async def add_post(self, source_id: int, keys: ItemKeys, item: FeedItem, now: datetime) -> bool:
        """Store a channel post as a pending item (False when it is known already)."""
        ...

    async def claim_items(
        self, instance: str, now: datetime, limit: int, lease_seconds: int
    ) -> list[PendingItem]:
        """Lease up to `limit` pending items to this instance, oldest first."""
        ...

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
        ...

    async def carried_elsewhere(self, item: PendingItem) -> int | None:
        """The article of the same story already extracted from another source (its link or
        content key, or a global GUID), or None."""
        ...

    async def pending_count(self) -> int:
        """Items waiting for extraction."""
        ...

"""What the source poller needs from the outside: a fetcher, a parser, and storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.domain.sources.model import NewSource, ParsedFeed, Source


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


@dataclass(frozen=True, slots=True)
class ItemKeys:
    """The keys an item is known by: GUID (scoped), link and content hash; any one may be ""."""

    guid: str
    link: str
    content: str


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
    """Sources, their leases and health, and the items seen (bot.store.sources)."""

    async def add(self, new: NewSource, *, by: int | None) -> Source:
        """Store a source (ValueError when its URL or channel is already a source)."""
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
        """Delete a source (the items it brought stay known, so nothing comes twice)."""
        ...

    async def set_paused(self, source_id: int, paused: bool) -> bool:
        """Pause or resume polling."""
        ...

    async def claim_due(
        self, instance: str, now: datetime, limit: int, lease_seconds: int
    ) -> list[Source]:
        """Lease up to `limit` due feed sources to this instance; none is leased twice."""
        ...

    async def finish(
        self, source_id: int, instance: str, result: PollResult, next_poll_at: datetime
    ) -> None:
        """Record a poll's outcome and release the lease (only while this instance holds it)."""
        ...

    async def known(self, keys: Sequence[ItemKeys]) -> list[int | None]:
        """For each item: None when new, else the article id it brought (0 when it had none)."""
        ...

    async def remember(
        self,
        source_id: int,
        keys: ItemKeys,
        *,
        title: str,
        published: datetime | None,
        article_id: int | None,
        at: datetime,
    ) -> bool:
        """Record an item as seen (False when another poll recorded it meanwhile)."""
        ...

    async def count_item(self, source_id: int, at: datetime) -> None:
        """One more item from this source (channel posts)."""
        ...

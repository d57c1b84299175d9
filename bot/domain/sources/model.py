"""Plain data of sources: what a source is, its health, the items a feed carries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

DEFAULT_INTERVAL = 15 * 60  # seconds between polls unless the source says otherwise
MIN_INTERVAL = 60
MAX_INTERVAL = 7 * 24 * 3600
MAX_NAME = 120


class Trust(StrEnum):
    """What happens to a source's new events."""

    REVIEW = "review"  # drafts, in the review queue
    PUBLISH = "publish"  # published at once, as `sitrep ingest` does


class SourceKind(StrEnum):
    """Where a source's items come from."""

    FEED = "feed"  # RSS 2.0 / RSS 1.0 / Atom / JSON Feed over HTTP(S)
    CHANNEL = "channel"  # a Telegram channel or group the bot is in (channel_post updates)


@dataclass(frozen=True, slots=True)
class NewSource:
    """A source about to be added."""

    kind: SourceKind
    url: str  # the feed URL; for a channel, its t.me link or "tg:<chat id>"
    name: str
    interval: int = DEFAULT_INTERVAL
    trust: Trust = Trust.REVIEW
    full_text: bool = False
    focus: str = ""  # the country or crisis the source covers, free text
    since: date | None = None  # items published before this day are skipped
    chat_id: int | None = None  # channels only


@dataclass(frozen=True, slots=True)
class Source:
    """A stored source with its health."""

    id: int
    kind: SourceKind
    url: str
    name: str
    interval: int
    trust: Trust
    full_text: bool
    focus: str
    since: date | None
    chat_id: int | None
    paused: bool
    created_at: datetime
    etag: str = ""
    last_modified: str = ""
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str = ""
    failures: int = 0  # consecutive
    items_seen: int = 0
    polls: int = 0
    next_poll_at: datetime | None = None

    @property
    def first_poll(self) -> bool:
        """True until the source has been polled successfully once."""
        return self.last_success_at is None

    @property
    def healthy(self) -> bool:
        """The last poll succeeded (or none has failed yet)."""
        return self.failures == 0


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed (or one channel post), as parsed."""

    guid: str = ""
    link: str = ""
    title: str = ""
    text: str = ""  # summary or content, as plain text
    published: datetime | None = None  # aware, UTC; None when the feed gives no date


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed document holds."""

    title: str = ""
    items: list[FeedItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PendingItem:
    """A stored item waiting for extraction, with what its source says about it."""

    id: int
    source_id: int
    source_name: str
    trust: Trust
    full_text: bool
    item_key: str
    link_key: str
    content_key: str
    item: FeedItem

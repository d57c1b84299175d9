"""Polling sources and turning their items into events.

`poll_due` leases the due feed sources (one instance each), fetches them (bounded by the
fetcher), parses, keeps the items this source has not brought before and records them, with the
poll's outcome and the next poll, in one transaction: a process killed mid-poll loses nothing
(the lease runs out and the source is polled again) and doubles nothing (items are unique per
source). `extract_pending` then hands each pending item to the ingest service with its own
published day and the source's name as outlet; a story another source already brought is not
extracted again, its events only gain this source.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.domain.clock import Clock
from bot.domain.events.model import EventView, SourceInfo
from bot.domain.ingest.service import MAX_ARTICLE_BYTES, IngestError, IngestService
from bot.domain.sources.keys import item_keys
from bot.domain.sources.model import FeedItem, NewSource, PendingItem, Source, Trust
from bot.domain.sources.ports import (
    FeedFetcher,
    FeedParser,
    FetchOutcome,
    ItemKeys,
    PollResult,
    SourceRepository,
)
from bot.domain.sources.schedule import next_poll_at

log = logging.getLogger(__name__)

LEASE_SECONDS = 600
ITEM_LEASE_SECONDS = 300
MAX_ERROR = 200
Keyed = tuple[ItemKeys, FeedItem]


class SourceEvents(Protocol):
    """The event store as the source poller uses it."""

    async def for_article(self, article_id: int) -> list[EventView]:
        """Events with a source from this article."""
        ...

    async def add_source(
        self, event_id: int, source: SourceInfo, *, by: int | None = None
    ) -> EventView:
        """Attach one more source to an event."""
        ...


@dataclass(frozen=True, slots=True)
class PollReport:
    """One source polled."""

    source: Source
    ok: bool
    new_items: int = 0
    not_modified: bool = False
    error: str = ""


@dataclass(frozen=True, slots=True)
class ExtractReport:
    """Pending items handed to extraction."""

    items: int = 0
    with_events: int = 0
    echoed: int = 0  # carried by another source already: only a source added
    failed: int = 0


def _fit(text: str) -> str:
    """The text cut to what the ingest service takes (MAX_ARTICLE_BYTES of UTF-8)."""
    data = text.encode("utf-8")
    if len(data) <= MAX_ARTICLE_BYTES:
        return text
    return data[:MAX_ARTICLE_BYTES].decode("utf-8", errors="ignore")


def item_text(item: FeedItem) -> str:
    """The text extraction reads: the title as the first line, then the item's text."""
    title, text = item.title.strip(), item.text.strip()
    if title and text.startswith(title):
        return _fit(text)
    return _fit(f"{title}\n\n{text}".strip() if title else text)


class SourceService:
    """Sources' polling and extraction, for the scheduler, the CLI and the handlers."""

    def __init__(
        self,
        repo: SourceRepository,
        fetcher: FeedFetcher,
        parser: FeedParser,
        ingest: IngestService,
        events: SourceEvents,
        clock: Clock,
        instance: str,
    ) -> None:
        self.repo = repo
        self._fetcher = fetcher
        self._parse = parser
        self._ingest = ingest
        self._events = events
        self._clock = clock
        self._instance = instance

    async def add(self, new: NewSource, *, by: int | None = None) -> Source:
        """Store a source; it is due at once (DuplicateSource when it is one already)."""
        return await self.repo.add(new, by=by, now=self._clock.now())

    async def poll_due(self, limit: int = 200) -> list[PollReport]:
        """Lease the due sources (at most `limit`) and poll them concurrently."""
        sources = await self.repo.claim_due(self._instance, self._clock.now(), limit, LEASE_SECONDS)
        if not sources:
            return []
        done = await asyncio.gather(*(self.poll(s) for s in sources), return_exceptions=True)
        reports = []
        for source, outcome in zip(sources, done, strict=True):
            if isinstance(outcome, BaseException):  # its outcome could not be stored: the lease
                log.error("source %d: %r", source.id, outcome)  # runs out, it is polled again
                continue
            reports.append(outcome)
        return reports

    async def poll(self, source: Source) -> PollReport:
        """Poll one leased source; a failure goes into its health, never raises."""
        try:
            result, items = await self._fetch_items(source)
        except Exception as exc:  # one broken feed never stops the others
            log.exception("polling source %d failed", source.id)
            result, items = PollResult(ok=False, error=f"internal error: {exc}"[:MAX_ERROR]), []
        now = self._clock.now()
        added = await self.repo.record_poll(
            source.id, self._instance, result, next_poll_at(source, result, now), items, now
        )
        if not result.ok:
            log.info("source %d (%s): %s", source.id, source.url, result.error)
        return PollReport(source, result.ok, added, result.not_modified, result.error)

    async def _fetch_items(self, source: Source) -> tuple[PollResult, list[Keyed]]:
        fetched = await self._fetcher.fetch(
            source.url, etag=source.etag, last_modified=source.last_modified
        )
        if fetched.outcome is FetchOutcome.NOT_MODIFIED:
            return PollResult(ok=True, not_modified=True), []
        if fetched.outcome is FetchOutcome.FAILED:
            return PollResult(ok=False, error=fetched.error, retry_after=fetched.retry_after), []
        try:
            feed = await asyncio.to_thread(self._parse, fetched.body, fetched.content_type)
        except ValueError as exc:
            return PollResult(ok=False, error=str(exc)[:MAX_ERROR]), []
        items = [
            i
            for i in feed.items
            if source.since is None or i.published is None or i.published.date() >= source.since
        ]
        keyed = [(item_keys(source.id, i), i) for i in items]
        keyed = [(k, i) for k, i in keyed if k.item]
        known = await self.repo.known_keys(source.id, [k for k, _ in keyed])
        fresh: list[Keyed] = []
        seen_now: set[str] = set()
        for keys, item in keyed:
            ids = {keys.item, keys.content} - {""}
            if ids & known or ids & seen_now:
                continue
            seen_now |= ids
            fresh.append((keys, item))
        ok = PollResult(ok=True, etag=fetched.etag, last_modified=fetched.last_modified)
        return ok, fresh

    async def extract_pending(self, limit: int = 50) -> ExtractReport:
        """Extract one batch of pending items (leased to this instance)."""
        pending = await self.repo.claim_items(
            self._instance, self._clock.now(), limit, ITEM_LEASE_SECONDS
        )
        report = ExtractReport()
        for item in pending:
            try:
                outcome = await self._extract(item)
            except Exception:  # left leased: retried when the lease runs out, given up after 3
                log.exception("extracting item %d of source %d failed", item.id, item.source_id)
                outcome = "failed"
            report = ExtractReport(
                items=report.items + 1,
                with_events=report.with_events + (outcome == "events"),
                echoed=report.echoed + (outcome == "echo"),
                failed=report.failed + (outcome == "failed"),
            )
        return report

    async def extract_all(self, batch: int = 50) -> ExtractReport:
        """Extract pending items until none is left that this instance can lease."""
        total = ExtractReport()
        while True:
            report = await self.extract_pending(batch)
            if not report.items:
                return total
            total = ExtractReport(
                total.items + report.items,
                total.with_events + report.with_events,
                total.echoed + report.echoed,
                total.failed + report.failed,
            )

    def _source_info(self, pending: PendingItem) -> SourceInfo:
        return SourceInfo(
            outlet=pending.source_name[:255],
            url=pending.item.link,
            title=pending.item.title[:500],
            published_at=pending.item.published,
        )

    async def _echo(self, pending: PendingItem, article_id: int) -> int:
        events = await self._events.for_article(article_id)
        for event in events:
            await self._events.add_source(event.id, self._source_info(pending))
        return len(events)

    def _published(self, item: FeedItem) -> date:
        today = self._clock.now().date()
        if item.published is None:
            return today
        return min(item.published.date(), today + timedelta(days=1))

    async def _extract(self, pending: PendingItem) -> str:
        now = self._clock.now
        elsewhere = await self.repo.carried_elsewhere(pending)
        if elsewhere is not None:
            await self._echo(pending, elsewhere)
            await self.repo.finish_item(
                pending.id,
                self._instance,
                ok=True,
                article_id=elsewhere,
                note="carried by another source",
                now=now(),
            )
            return "echo"
        text = item_text(pending.item)
        if pending.full_text and pending.item.link:
            full = await self._fetcher.article_text(pending.item.link)
            if len(full) > len(pending.item.text):
                text = _fit(f"{pending.item.title}\n\n{full}".strip())
        try:
            report = await self._ingest.ingest(
                text,
                published=self._published(pending.item),
                outlet=pending.source_name,
                url=pending.item.link,
                title=pending.item.title,
                draft=pending.trust is Trust.REVIEW,
            )
        except IngestError as exc:
            await self.repo.finish_item(
                pending.id, self._instance, ok=False, article_id=None, note=str(exc), now=now()
            )
            return "failed"
        if report.duplicate and report.article_id is not None:
            await self._echo(pending, report.article_id)  # the same text from another outlet
        await self.repo.finish_item(
            pending.id,
            self._instance,
            ok=True,
            article_id=report.article_id,
            note=report.message,
            now=now(),
        )
        return "events" if report.article_id is not None else "none"

    async def take_post(
        self, chat_id: int, message_id: int, text: str, at: datetime, link: str
    ) -> bool:
        """A channel post from a chat that is a source becomes a pending item (once)."""
        source = await self.repo.by_chat(chat_id)
        if source is None or source.paused or not text.strip():
            return False
        item = FeedItem(guid=f"tg:{chat_id}:{message_id}", link=link, text=text, published=at)
        keys = item_keys(source.id, item)
        return await self.repo.add_post(source.id, keys, item, self._clock.now())

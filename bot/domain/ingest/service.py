"""Article ingestion: keep the pasted text for provenance, extract its events, store them.

Documented choices:

* Bytes must be UTF-8 (a BOM is fine).  Other encodings (cp1252, latin-1) are refused with a
  polite message rather than guessed: a wrong guess turns names into mojibake silently.
* Empty text, more than 200 KB, NUL bytes or mostly control characters are refused.
* The article is stored once per content hash (SHA-256 of the normalised text); ingesting the
  same text again changes nothing and reports the events linked to the first ingestion.
* Text in which no event is found is not stored (the report says so): provenance is kept for
  events, and nothing else is written.
* Events are PUBLISHED unless ``draft`` (then DRAFT), always unreviewed, origin INGEST.  A draft
  ingestion that matches an existing event only adds its source to it.
* Text that does not read as English (the language the extraction engine reads) is refused,
  and so is any article when the engine cannot be loaded; nothing is stored either way.
* A published date later than today (by the clock, allowing for the easternmost time zone) is
  refused.  Ingestion never sends anything to anyone.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from bot.domain.actors.registry import ActorRegistry
from bot.domain.clock import Clock
from bot.domain.events.merge_pass import MergeStore, merge_twins
from bot.domain.events.model import EventStatus, EventView, SourceInfo
from bot.domain.ingest.extract import Extraction, extract_events
from bot.domain.ingest.language import reads_as_english
from bot.domain.ingest.parsing import ParserUnavailable, TextParser
from bot.domain.ingest.ports import ArticleRepository, IngestEvents
from bot.domain.ingest.text import Skipped, normalise_text
from bot.domain.places.gazetteer import Gazetteer

log = logging.getLogger(__name__)

__all__ = [
    "MAX_ARTICLE_BYTES",
    "IngestError",
    "IngestReport",
    "IngestService",
    "content_hash",
    "decode_article",
]

MAX_ARTICLE_BYTES = 200 * 1024
MAX_CONTROL_SHARE = 0.05
DEFAULT_OUTLET = "pasted article"
_EASTERNMOST = timedelta(hours=14)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


class IngestError(ValueError):
    """The article cannot be ingested; the message says why, politely, in one line."""


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What ingesting one article did."""

    article_id: int | None
    duplicate: bool = False
    created: list[EventView] = field(default_factory=list)
    merged: list[EventView] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    previous: list[EventView] = field(default_factory=list)  # for a duplicate: events of the first

    @property
    def events(self) -> list[EventView]:
        """Created and merged events together."""
        return [*self.created, *self.merged]

    @property
    def message(self) -> str:
        """One line for an admin: what happened."""
        if self.duplicate:
            return (
                f"Article #{self.article_id} was already ingested "
                f"({len(self.previous)} events); nothing changed."
            )
        if self.article_id is None:
            return "No events found in this text; nothing was stored."
        return (
            f"Article #{self.article_id}: {len(self.created)} new events, "
            f"{len(self.merged)} merged into existing ones, {len(self.skipped)} passages skipped."
        )


def decode_article(data: bytes) -> str:
    """The text of an uploaded article, or IngestError for empty, huge, binary or non-UTF-8 data."""
    if not data or not data.strip():
        raise IngestError("The article is empty.")
    if len(data) > MAX_ARTICLE_BYTES:
        raise IngestError(
            f"The article is too long ({len(data) // 1024} KB); the limit is "
            f"{MAX_ARTICLE_BYTES // 1024} KB — paste the story text only."
        )
    if b"\x00" in data:
        raise IngestError("This looks like a binary file, not text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"The article is not UTF-8 text (bad byte at position {exc.start}); "
            "please save it as UTF-8 and try again."
        ) from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in _ALLOWED_CONTROLS)
    if controls > max(2, MAX_CONTROL_SHARE * len(text)):
        raise IngestError("This looks like a binary file, not text.")
    if not text.strip():
        raise IngestError("The article is empty.")
    return text


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised article text."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


class IngestService:
    """Stores an article with the events extracted from it, each source linked to the article."""

    def __init__(
        self,
        articles: ArticleRepository,
        clock: Clock,
        gazetteer: Gazetteer,
        events: IngestEvents,
        actors: ActorRegistry | None = None,
        parser: TextParser | None = None,
        merges: MergeStore | None = None,
    ) -> None:
        self._articles = articles
        self._clock = clock
        self._gazetteer = gazetteer
        self._events = events
        self._actors = actors
        self._parser = parser
        self._merges = merges

    def extract(self, text: str, *, published: date, source: SourceInfo) -> Extraction:
        """Extract without storing (a preview for the admin)."""
        return self._extract(normalise_text(text), published, source)

    def _extract(self, body: str, published: date, source: SourceInfo | None) -> Extraction:
        """Run the extraction; IngestError when the text is not English or no engine loads."""
        if not reads_as_english(body):
            raise IngestError(
                "This article does not read as English, the only language the extraction "
                "reads; nothing was stored."
            )
        try:
            return extract_events(
                body,
                published,
                self._gazetteer,
                source=source,
                actors=self._actors,
                parser=self._parser,
            )
        except ParserUnavailable as exc:
            log.error("ingest: language engine unavailable: %s", exc)
            raise IngestError(
                "The language engine is not available right now; nothing was stored."
            ) from None

    async def ingest(
        self,
        text: str,
        *,
        published: date,
        outlet: str = "",
        url: str = "",
        title: str = "",
        by: int | None = None,
        draft: bool = False,
    ) -> IngestReport:
        """Store an article and its events; a second ingestion of the same text changes nothing."""
        body = normalise_text(text)
        if not body:
            raise IngestError("The article is empty.")
        if len(body.encode("utf-8")) > MAX_ARTICLE_BYTES:
            raise IngestError(
                f"The article is too long; the limit is {MAX_ARTICLE_BYTES // 1024} KB."
            )
        latest = (self._clock.now() + _EASTERNMOST).date()
        if published > latest:
            raise IngestError(f"The published date {published.isoformat()} is in the future.")
        digest = content_hash(body)
        existing = await self._articles.find(digest)
        resumed: int | None = None
        if existing is not None:
            previous = await self._events_of(existing)
            if previous:
                return IngestReport(existing, duplicate=True, previous=previous)
            # Stored without its events: an ingestion cut short (a crash between the two
            # writes). Extract again onto the same article rather than call it a duplicate.
            log.warning(
                "ingest: article %d has no events (interrupted); extracting again", existing
            )
            resumed = existing
        # off the event loop: the bot keeps answering while an article is read (the first one
        # also loads the language model)
        extraction = await asyncio.to_thread(self._extract, body, published, None)
        if not extraction.events:
            log.info("ingest: no events in article %s", digest[:12])
            return IngestReport(None, skipped=extraction.skipped)
        source = SourceInfo(
            outlet=(outlet.strip() or DEFAULT_OUTLET)[:255],
            url=url.strip(),
            title=title.strip() or extraction.title,
            published_on=published,
        )
        article_id = resumed
        if article_id is None:
            article_id = await self._articles.add(body, digest, source, by, self._clock.now())
        if article_id is None:  # stored concurrently a moment ago
            found = await self._articles.find(digest)
            previous = await self._events_of(found) if found is not None else []
            return IngestReport(found, duplicate=True, previous=previous)
        status = EventStatus.DRAFT if draft else EventStatus.PUBLISHED
        drafts = [replace(d, sources=(source,), status=status) for d in extraction.events]
        try:
            results = await self._events.add_many(drafts, by=by)
        except Exception:
            if resumed is None:
                await self._articles.forget(article_id)
            raise
        await self._articles.link_sources(article_id, [r.event.id for r in results], source)
        ids_created = [r.event.id for r in results if r.created]
        ids_merged = [
            r.event.id for r in results if not r.created and r.event.id not in ids_created
        ]
        created = await self._events.get_many(ids_created)
        merged = await self._events.get_many(list(dict.fromkeys(ids_merged)))
        if status is EventStatus.PUBLISHED:
            await self._merge_twins(created)
        log.info("ingest: article %d, %d created, %d merged", article_id, len(created), len(merged))
        return IngestReport(article_id, created=created, merged=merged, skipped=extraction.skipped)

    async def _merge_twins(self, created: list[EventView]) -> None:
        """Fold the new events into other sources' accounts of the same happening (or them in)."""
        if self._merges is None or not created:
            return
        first = min(e.when.first_day() for e in created)
        last = max(e.when.last_day() for e in created)
        done = await merge_twins(self._merges, self._gazetteer, first, last, self._actors)
        if done:
            log.info("ingest: %d merges of the same happening", sum(map(len, done.values())))

    async def _events_of(self, article_id: int) -> list[EventView]:
        ids = await self._articles.event_ids(article_id)
        return await self._events.get_many(list(dict.fromkeys(ids)))

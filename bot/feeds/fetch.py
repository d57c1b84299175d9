"""Conditional GETs of feeds over HTTP(S), within limits: the domain's `FeedFetcher`.

ETag / Last-Modified, gzip and deflate, at most 5 redirects (each hop checked by `guard`),
connect / read / overall timeouts, a cap on the decoded body (a gzip bomb stops at the cap too),
content types checked, `Retry-After` read, and a bounded number of fetches in flight overall and
per host. Nothing here raises for network or HTTP errors: each becomes a one-line `Fetched`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from bot.domain.sources.ports import Fetched, FetchOutcome
from bot.feeds.guard import UnsafeURL, check_url

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
USER_AGENT = "Sitrep/0.1 (situation briefings; feed reader)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.1"
)
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
    "text/plain",  # some servers send feeds as plain text
    "application/octet-stream",
)
PAGE_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_AFTER = 24 * 3600


@dataclass(frozen=True)
class FetchLimits:
    """How far a fetch may go."""

    max_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    in_flight: int = 32
    per_host: int = 8


class _Refused(Exception):
    """One fetch ends with this one-line reason."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now, capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), MAX_RETRY_AFTER))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - now).total_seconds(), MAX_RETRY_AFTER))


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


class HttpFeedFetcher:
    """Fetches feeds and pages with one shared httpx client; close it with `aclose`."""

    def __init__(self, *, allow_private: bool = False, limits: FetchLimits | None = None) -> None:
        self.limits = limits or FetchLimits()
        self.allow_private = allow_private
        self._client: httpx.AsyncClient | None = None  # made on the first fetch
        self._in_flight = asyncio.Semaphore(self.limits.in_flight)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    def _http(self) -> httpx.AsyncClient:
        """The shared client, made on first use (httpx is imported only by processes that
        fetch: start-up of the other verbs does not pay for it)."""
        if self._client is None:
            import httpx

            lim = self.limits
            self._client = httpx.AsyncClient(
                follow_redirects=False,
                trust_env=False,
                timeout=httpx.Timeout(
                    connect=lim.connect_timeout,
                    read=lim.read_timeout,
                    write=lim.read_timeout,
                    pool=lim.total_timeout,
                ),
                limits=httpx.Limits(
                    max_connections=lim.in_flight, max_keepalive_connections=lim.in_flight
                ),
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            )
        return self._client

    async def aclose(self) -> None:
        """Close the connections (if any were opened)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _host_gate(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        gate = self._hosts.get(host)
        if gate is None:
            if len(self._hosts) > 10_000:  # forget idle hosts rather than grow forever
                self._hosts = {h: g for h, g in self._hosts.items() if g.locked()}
            gate = self._hosts[host] = asyncio.Semaphore(self.limits.per_host)
        return gate

    async def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> Fetched:
        """A conditional GET of a feed: never raises for network or HTTP errors."""
        headers = {"Accept": FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._get(url, headers, FEED_TYPES)

    async def page(self, url: str) -> Fetched:
        """A plain GET of an HTML page (the full text of an item's link)."""
        return await self._get(url, {"Accept": "text/html, application/xhtml+xml"}, PAGE_TYPES)

    async def article_text(self, url: str) -> str:
        """The main text of the page at `url`, or "" when it cannot be had."""
        fetched = await self.page(url)
        if fetched.outcome is not FetchOutcome.OK:
            log.info("full text of %s: %s", url, fetched.error)
            return ""
        from bot.feeds.fulltext import main_text

        return await asyncio.to_thread(main_text, fetched.body, fetched.content_type, url)

    async def _get(self, url: str, headers: dict[str, str], types: tuple[str, ...]) -> Fetched:
        import httpx

        try:
            async with self._in_flight, asyncio.timeout(self.limits.total_timeout):
                return await self._follow(url, headers, types)
        except _Refused as exc:
            return Fetched(FetchOutcome.FAILED, error=str(exc), retry_after=exc.retry_after)
        except UnsafeURL as exc:
            return Fetched(FetchOutcome.FAILED, error=str(exc))
        except TimeoutError:
            return Fetched(FetchOutcome.FAILED, error="timed out")
        except httpx.TimeoutException:
            return Fetched(FetchOutcome.FAILED, error="timed out")
        except httpx.HTTPError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return Fetched(FetchOutcome.FAILED, error=f"network error: {reason}"[:200])

    async def _follow(self, url: str, headers: dict[str, str], types: tuple[str, ...]) -> Fetched:
        for _hop in range(MAX_REDIRECTS + 1):
            await check_url(url, allow_private=self.allow_private)
            async with (
                self._host_gate(url),
                self._http().stream("GET", url, headers=headers) as response,
            ):
                status = response.status_code
                if status in _REDIRECTS and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if status == 304:
                    return Fetched(FetchOutcome.NOT_MODIFIED, final_url=url)
                if status >= 400 or status < 200 or status in _REDIRECTS:
                    wait = retry_after_seconds(
                        response.headers.get("retry-after"), datetime.now(UTC)
                    )
                    raise _Refused(f"HTTP {status} {response.reason_phrase}".strip(), wait)
                content_type = response.headers.get("content-type", "")
                media = _media_type(content_type)
                if media and media not in types and not media.endswith(("+xml", "+json")):
                    raise _Refused(f"unexpected content type {media}")
                body = await self._read(response)
                return Fetched(
                    FetchOutcome.OK,
                    body=body,
                    content_type=content_type,
                    etag=response.headers.get("etag", ""),
                    last_modified=response.headers.get("last-modified", ""),
                    final_url=url,
                )
        raise _Refused(f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, response: httpx.Response) -> bytes:
        cap = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if (
            declared.isdigit()
            and int(declared) > cap
            and "content-encoding" not in response.headers
        ):
            raise _Refused(f"larger than {cap // (1024 * 1024)} MB")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():  # decoded: the cap holds after gunzip too
            size += len(chunk)
            if size > cap:
                raise _Refused(f"larger than {cap // (1024 * 1024)} MB")
            chunks.append(chunk)
        return b"".join(chunks)

"""Feed documents into plain items: RSS 2.0, RSS 1.0 and Atom with feedparser, JSON Feed with
the standard library. The domain's `FeedParser`.

Refused before parsing: any XML entity declaration (`<!ENTITY`), which is how entity expansion
("billion laughs") and external-entity attacks begin; no real feed needs one. Text is decoded
by the declared encoding (HTTP charset, XML declaration), else a BOM, else UTF-8 / cp1252
(feedparser's rules); JSON Feed is UTF-8 (a UTF-16/32 BOM is honoured).
"""

from __future__ import annotations

import calendar
import io
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

from bot.domain.sources.model import FeedItem, ParsedFeed
from bot.feeds.text import html_to_text

MAX_ITEMS = 500  # items kept from one document (the newest feeds put first)
MAX_TEXT = 100_000  # characters of one item's text
_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class FeedRefused(ValueError):
    """The document is not a feed, or is one we refuse; the message says why in one line."""


def _ascii_view(body: bytes) -> bytes:
    """The document as ASCII-compatible bytes, to look for markup whatever its encoding."""
    head = body[:4]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return body.decode(codec, errors="replace").encode("utf-8", errors="replace")
    if len(body) > 1 and (body[0] == 0 or body[1] == 0):  # UTF-16 without a BOM
        codec = "utf-16-be" if body[0] == 0 else "utf-16-le"
        return body.decode(codec, errors="replace").encode("utf-8", errors="replace")
    return body


def _is_json(body: bytes, content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("application/feed+json", "application/json"):
        return True
    return _ascii_view(body[:64]).lstrip()[:1] == b"{"


def parse_feed(body: bytes, content_type: str = "") -> ParsedFeed:
    """The items of a feed document; FeedRefused when it is not a feed or is refused."""
    if not body.strip():
        raise FeedRefused("the document is empty")
    if _is_json(body, content_type):
        return _parse_json_feed(body)
    if _ENTITY.search(_ascii_view(body)):
        raise FeedRefused("the document declares XML entities (refused: entity expansion)")
    import feedparser  # lazily: only pollers need it

    result = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": content_type or "application/xml"},
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    entries = result.get("entries", [])
    if not result.get("version") and not entries:
        problem = result.get("bozo_exception")
        reason = str(problem).splitlines()[0][:120] if problem else "no feed found"
        raise FeedRefused(f"not a feed ({reason})")
    items = [_entry(e) for e in entries[:MAX_ITEMS]]
    return ParsedFeed(title=html_to_text(result.get("feed", {}).get("title", "")), items=items)


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value is not None:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _entry(entry: Any) -> FeedItem:
    contents = entry.get("content") or []
    body = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "")
    text = html_to_text(body if len(body) > len(summary) else summary)
    return FeedItem(
        guid=str(entry.get("id", "") or "")[:1000],
        link=str(entry.get("link", "") or "")[:2000],
        title=html_to_text(str(entry.get("title", "") or ""))[:500],
        text=text[:MAX_TEXT],
        published=_when(entry),
    )


def _json_text(body: bytes) -> str:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec)
    return body.decode("utf-8")


def _json_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def _parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        doc = json.loads(_json_text(body))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedRefused(f"not a feed (bad JSON: {str(exc)[:80]})") from None
    version = doc.get("version", "") if isinstance(doc, dict) else ""
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise FeedRefused("not a feed (JSON without a JSON Feed version)")
    raw = doc.get("items")
    items = []
    for entry in raw[:MAX_ITEMS] if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        text = entry.get("content_text") or html_to_text(str(entry.get("content_html") or ""))
        text = str(text or entry.get("summary") or "")
        items.append(
            FeedItem(
                guid=str(entry.get("id", "") or "")[:1000],
                link=str(entry.get("url", "") or "")[:2000],
                title=html_to_text(str(entry.get("title", "") or ""))[:500],
                text=text[:MAX_TEXT],
                published=_json_date(entry.get("date_published") or entry.get("date_modified")),
            )
        )
    return ParsedFeed(title=str(doc.get("title", ""))[:255], items=items)

"""The keys a feed item is known by, so it is ingested once, also when two sources carry it.

* GUID: a GUID that is an absolute http(s) URL is global; any other GUID ("1234", "post-7") only
  means something inside its own feed, so it is scoped by the source.
* Link: the item's URL without its fragment, tracking parameters (utm_*, fbclid, gclid) or a
  trailing slash, with the host in lower case.
* Content: SHA-256 of the title and text with case, spacing and punctuation folded — the same
  wire story in two feeds has the same content key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.domain.sources.model import FeedItem
from bot.domain.sources.ports import ItemKeys

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
MIN_CONTENT = 20  # characters of folded text below which no content key is made


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_link(url: str) -> str:
    """The URL as a comparable key: "" for anything that is not an absolute http(s) URL."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if not _TRACKING.match(k)]
    host = parts.hostname.lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    # http and https of the same page are the same page
    return urlunsplit(("https", host, path, urlencode(query), ""))


def fold_text(text: str) -> str:
    """Text with case, accents' compatibility forms, punctuation and spacing folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def item_keys(source_id: int, item: FeedItem) -> ItemKeys:
    """The GUID, link and content keys of an item from this source (each hashed, or "")."""
    guid = item.guid.strip()
    guid_key = ""
    if guid:
        link_like = normalise_link(guid)
        guid_key = _digest("g|" + (link_like or f"{source_id}|{guid}"))
    link = normalise_link(item.link) or normalise_link(guid)
    link_key = _digest("l|" + link) if link else ""
    folded = fold_text(f"{item.title} {item.text}")
    content_key = _digest("c|" + folded) if len(folded) >= MIN_CONTENT else ""
    return ItemKeys(guid=guid_key, link=link_key, content=content_key)

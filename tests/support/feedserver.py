"""Fixture feeds (invented stories, in our own words) and the local feed server the source tests
fetch them from (`bot.sim.feedserver`, loopback only)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pytest

from bot.sim.feedserver import FeedServer, Route

__all__ = ["FeedServer", "Route", "Story", "atom", "feed_server", "json_feed", "rss", "rss1"]


@dataclass(frozen=True)
class Story:
    """One item: GUID, link, title, text and an RFC 822 / ISO date ("" for none)."""

    guid: str
    title: str
    text: str
    date: str = ""  # ISO 8601, e.g. 2024-03-08T10:00:00Z
    link: str = ""


ADRE = Story(
    "urn:test:adre-1",
    "Rebels seize Adré border crossing",
    "Rebel fighters seized the Adré border crossing on 8 March 2024, residents said.",
    "2024-03-08T10:00:00Z",
    "https://news.example.org/adre-crossing",
)
ADRE_REWRITE = Story(
    "https://other.example.net/stories/4411",
    "Adré crossing falls to rebel fighters",
    "Rebel fighters seized the Adré border crossing on 8 March 2024, residents and two aid "
    "workers said by telephone.",
    "2024-03-08T13:30:00Z",
    "https://other.example.net/stories/4411",
)
ADRE_SHELLING = Story(
    "urn:test:adre-2",
    "Guards wounded at Adré",
    "Shelling struck the Adré border crossing on 7 March 2024, wounding two guards, "
    "officials said.",
    "2024-03-08T18:00:00Z",
    "https://third.example.com/adre-guards",
)
KIDAL = Story(
    "urn:test:kidal-1",
    "Police post attacked near Kidal",
    "Gunmen attacked a police post in Kidal on 6 March 2024, killing four officers, a local "
    "official said.",
    "2024-03-06T08:00:00Z",
    "https://news.example.org/kidal-post",
)
UNDATED = Story(
    "urn:test:undated-1",
    "Market shelled in Kharkiv",
    "Shelling hit a market in Kharkiv, killing three civilians, the regional governor said.",
)


def _rfc822(iso: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)


def rss(stories: Sequence[Story], title: str = "Test wire", encoding: str = "utf-8") -> bytes:
    """An RSS 2.0 document in `encoding` (declared in its XML declaration)."""
    items = []
    for s in stories:
        date = f"<pubDate>{_rfc822(s.date)}</pubDate>" if s.date else ""
        link = f"<link>{escape(s.link)}</link>" if s.link else ""
        items.append(
            f"<item><guid isPermaLink='false'>{escape(s.guid)}</guid>{link}"
            f"<title>{escape(s.title)}</title><description>{escape(s.text)}</description>"
            f"{date}</item>"
        )
    doc = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        f"<description>test</description>{''.join(items)}</channel></rss>"
    )
    return doc.encode(encoding)


def rss1(stories: Sequence[Story]) -> bytes:
    """An RSS 1.0 (RDF) document."""
    items = "".join(
        f'<item rdf:about="{escape(s.link or s.guid)}"><title>{escape(s.title)}</title>'
        f"<link>{escape(s.link or s.guid)}</link><description>{escape(s.text)}</description>"
        + (f"<dc:date>{s.date}</dc:date>" if s.date else "")
        + "</item>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="https://news.example.org/"><title>RDF wire</title>'
        "<link>https://news.example.org/</link><description>test</description></channel>"
        f"{items}</rdf:RDF>"
    ).encode()


def atom(stories: Sequence[Story]) -> bytes:
    """An Atom document."""
    entries = "".join(
        f"<entry><id>{escape(s.guid)}</id><title>{escape(s.title)}</title>"
        f'<link href="{escape(s.link)}"/><summary>{escape(s.text)}</summary>'
        + (f"<updated>{s.date}</updated>" if s.date else "")
        + "</entry>"
        for s in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom wire</title><id>urn:test:atom</id><updated>2024-03-08T00:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def json_feed(stories: Sequence[Story]) -> bytes:
    """A JSON Feed 1.1 document."""
    items = []
    for s in stories:
        item = {"id": s.guid, "url": s.link, "title": s.title, "content_text": s.text}
        if s.date:
            item["date_published"] = s.date
        items.append(item)
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON wire", "items": items}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A feed server on loopback for one test."""
    with FeedServer() as server:
        yield server

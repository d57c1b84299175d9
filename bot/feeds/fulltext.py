"""The main text of a linked article page, for sources that carry only summaries.

Uses trafilatura when it is installed (`pip install 'sitrep[fulltext]'`), imported on first use
only; without it, the page's paragraphs (`<p>`) are taken, which is rougher but dependency-free.
"""

from __future__ import annotations

import logging
import re

from bot.feeds.text import html_to_text

log = logging.getLogger(__name__)

MAX_TEXT = 100_000
_PARAGRAPH = re.compile(r"<p[\s>].*?</p>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(r"charset=([\w-]+)", re.IGNORECASE)


def _decode(body: bytes, content_type: str) -> str:
    declared = _CHARSET.search(content_type)
    sniffed = _CHARSET.search(body[:2048].decode("ascii", errors="ignore"))
    for match in (declared, sniffed):
        if match is None:
            continue
        try:
            return body.decode(match.group(1))
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def main_text(body: bytes, content_type: str, url: str) -> str:
    """The article text of an HTML page ("" when none is found)."""
    html = _decode(body, content_type)
    try:
        import trafilatura
    except ImportError:
        paragraphs = [html_to_text(p) for p in _PARAGRAPH.findall(html)]
        return "\n".join(p for p in paragraphs if len(p) > 40)[:MAX_TEXT]
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False)
    return (text or "")[:MAX_TEXT]

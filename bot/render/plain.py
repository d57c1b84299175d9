"""Telegram HTML → plain text for the terminal (`sitrep brief`)."""

from __future__ import annotations

import html
from html.parser import HTMLParser


class _Plain(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._href.append(dict(attrs).get("href") if tag == "a" else None)

    def handle_endtag(self, tag: str) -> None:
        href = self._href.pop() if self._href else None
        if tag == "a" and href:
            self.out.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def html_to_text(text: str) -> str:
    """Strip tags, unescape entities, show links as "text (url)"."""
    parser = _Plain()
    parser.feed(text)
    parser.close()
    return html.unescape("".join(parser.out))

"""Splitting Telegram HTML into messages of at most 4096 characters without breaking markup."""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _index_at_units(text: str, units: int) -> int:
    """The largest character index whose prefix is at most `units` UTF-16 units long."""
    total = 0
    for i, ch in enumerate(text):
        total += 2 if ord(ch) > 0xFFFF else 1
        if total > units:
            return i
    return len(text)


def _unsafe_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _TAG.finditer(text)]
    spans += [(m.start(), m.end()) for m in _ENTITY.finditer(text)]
    return spans


def _open_tags(html: str) -> list[tuple[str, str]]:
    """Tags opened and not closed in `html`, outermost first, as (name, full opening tag)."""
    stack: list[tuple[str, str]] = []
    for m in _TAG.finditer(html):
        closing, name = m.group(1), m.group(2).lower()
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        else:
            stack.append((name, m.group(0)))
    return stack


def _cut_point(text: str, limit_chars: int) -> int:
    window = text[:limit_chars]
    for sep in ("\n\n", "\n", " "):
        pos = window.rfind(sep)
        if pos > limit_chars // 3:
            cut = pos
            break
    else:
        cut = limit_chars
    for start, end in _unsafe_spans(text):
        if start < cut < end:
            cut = start
    return max(cut, 1)


def _has_text(html: str) -> bool:
    return bool(_TAG.sub("", html).strip())


def _first_text_end(html: str) -> int:
    """Index just past the first character (or entity) of text after leading tags and spaces."""
    i = 0
    while i < len(html):
        tag = _TAG.match(html, i)
        if tag:
            i = tag.end()
        elif html[i].isspace():
            i += 1
        else:
            entity = _ENTITY.match(html, i)
            return entity.end() if entity else i + 1
    return len(html)


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of at most `limit` UTF-16 units; cuts at paragraph, line or word boundaries,
    closing open tags at the end of a part and reopening them at the start of the next.

    Every part carries some text, so splitting always ends; only markup longer than about
    half the limit (never the case at 4096) can make a part exceed it."""
    text = text.strip()
    parts: list[str] = []
    reserve = 0
    while utf16_len(text) > limit and _has_text(text):
        reserve = 0
        while True:
            limit_chars = _index_at_units(text, limit - reserve)
            cut = max(_cut_point(text, limit_chars), _first_text_end(text))
            head = text[:cut]
            open_tags = _open_tags(head)
            closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
            if utf16_len(head.rstrip()) + utf16_len(closing) <= limit or reserve > limit // 2:
                break
            reserve += utf16_len(closing) + 8
        parts.append(head.rstrip() + closing)
        reopen = "".join(tag for _, tag in open_tags)
        text = reopen + text[cut:].lstrip()
    if _has_text(text):
        parts.append(text)
    return parts

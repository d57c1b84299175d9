"""Telegram's HTML parse mode: validation and conversion to plain text + message entities.

Mirrors tdlib's ``parse_html`` (the parser behind the Bot API): the same supported tags, the same
attribute rules and the same error strings ("Unsupported start tag \\"br\\" at byte offset 12").
Byte offsets are UTF-8 byte offsets into the input; entity offsets/lengths are UTF-16 code units.

One deliberate difference: with ``strict=True`` (the default) a bare ``&`` that does not start a
known entity is rejected. Telegram keeps it literally, but the Bot API documentation says every
``&`` must be escaped, and unescaped user text is a bug we want tests to catch.
"""

from __future__ import annotations

from typing import Any

from bot.sim.api.htmltags import (
    SPACES,
    HtmlParseError,
    OpenTag,
    byte_offset,
    decode_entity,
    parse_start_tag,
)

__all__ = ["parse_html", "utf16_len", "utf16_to_index"]

_TAG_TO_TYPE = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram counts in."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_to_index(text: str, offset: int) -> int:
    """Python string index corresponding to a UTF-16 ``offset`` into ``text``."""
    units = 0
    for index, ch in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def _valid_url(url: str) -> bool:
    if not url or any(ch in url for ch in SPACES):
        return False
    lowered = url.lower()
    if lowered.startswith(("http://", "https://", "tg://", "ton://", "ftp://")):
        return len(url.split("://", 1)[1]) > 0
    return "." in url and "://" not in url


def _entity(open_tag: OpenTag, offset: int, length: int, inner: str) -> dict[str, Any] | None:
    """Build the entity dict for a closed tag, or None when Telegram would drop it."""
    tag = open_tag.tag
    entity: dict[str, Any] = {"type": _TAG_TO_TYPE[tag], "offset": offset, "length": length}
    if tag == "a":
        url = open_tag.argument or inner
        if url.startswith("tg://user?id="):
            user_id = url.removeprefix("tg://user?id=")
            if not user_id.isdigit():
                return None
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(user_id), "is_bot": False, "first_name": ""}
            return entity
        if not _valid_url(url):
            return None
        entity["type"] = "text_link"
        entity["url"] = url
    elif tag == "code" and open_tag.argument:
        entity["language"] = open_tag.argument
    elif tag == "blockquote" and open_tag.expandable:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        if not open_tag.argument.isdigit():
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entity["custom_emoji_id"] = open_tag.argument
    return entity


def _bare_ampersand(text: str, i: int) -> HtmlParseError:
    """The strict-mode error for an ``&`` at ``i`` that starts no known entity."""
    n = len(text)
    end = i + 1
    while end < n and end - i < 12 and text[end] not in SPACES + "&<;":
        end += 1
    shown = text[i : end + 1] if end < n and text[end] == ";" else text[i:end]
    return HtmlParseError(
        f'Unsupported HTML entity "{shown}" at byte offset {byte_offset(text, i)}; '
        'escape "&" as &amp;'
    )


class _HtmlParser:
    """One pass over Telegram HTML: the plain text so far, the open tags and the entities."""

    def __init__(self, text: str, strict: bool) -> None:
        self.text = text
        self.n = len(text)
        self.strict = strict
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 length of "".join(out)
        self.stack: list[OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        """Parse the whole text; return (plain text, entities sorted by position)."""
        text, out = self.text, self.out
        i = 0
        while i < self.n:
            ch = text[i]
            if ch == "<":
                i = self.tag(i)
            elif ch == "&" and (decoded := self.ampersand(i)) is not None:
                i = decoded
            else:
                out.append(ch)
                self.out_len += 2 if ord(ch) > 0xFFFF else 1
                i += 1
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(out), self.entities

    def ampersand(self, i: int) -> int | None:
        """Decode an entity at ``i`` into the output and return the next index; None when the
        ``&`` is literal (only without ``strict``)."""
        decoded = decode_entity(self.text, i)
        if decoded is not None:
            self.out.append(decoded[0])
            self.out_len += utf16_len(decoded[0])
            return decoded[1]
        if self.strict:
            raise _bare_ampersand(self.text, i)
        return None

    def tag(self, begin: int) -> int:
        """Handle the start or end tag at ``begin``; return the index after it."""
        if begin + 1 < self.n and self.text[begin + 1] == "/":
            return self.end_tag(begin)
        open_tag, i = parse_start_tag(self.text, begin)
        open_tag.start = self.out_len
        self.stack.append(open_tag)
        return i

    def end_tag(self, begin: int) -> int:
        """Close the innermost open tag with ``</tag>`` at ``begin``; return the next index."""
        text, n = self.text, self.n
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {byte_offset(text, begin)}")
        i = begin + 2
        while i < n and text[i] not in SPACES and text[i] != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        while i < n and text[i] in SPACES:
            i += 1
        if i >= n or text[i] != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {byte_offset(text, begin)}")
        open_tag = self.stack.pop()
        if end_name and end_name != open_tag.tag:
            raise HtmlParseError(
                f"Unmatched end tag at byte offset {byte_offset(text, begin)}, "
                f'expected "</{open_tag.tag}>", found "</{end_name}>"'
            )
        self.close(open_tag)
        return i + 1

    def close(self, open_tag: OpenTag) -> None:
        """Record the entity of a closed tag, unless it is empty or Telegram drops it."""
        length = self.out_len - open_tag.start
        if length > 0:
            inner = "".join(self.out)
            inner = inner[utf16_to_index(inner, open_tag.start) :]
            entity = _entity(open_tag, open_tag.start, length, inner)
            if entity is not None:
                _merge_pre_code(self.entities, entity)


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Validate Telegram HTML and return (plain text, entity dicts) like the Bot API does.

    Raises HtmlParseError with Telegram's wording for anything Telegram rejects; with ``strict``
    also for a bare ``&`` that is not an entity (see the module docstring).
    """
    return _HtmlParser(text, strict).run()


def _merge_pre_code(entities: list[dict[str, Any]], entity: dict[str, Any]) -> None:
    """Append ``entity``; ``<pre><code class="language-x">`` becomes one pre with a language."""
    if entity["type"] == "pre":
        for index, inner in enumerate(entities):
            if (
                inner["type"] == "code"
                and inner["offset"] == entity["offset"]
                and inner["length"] == entity["length"]
            ):
                if "language" in inner:
                    entity["language"] = inner["language"]
                del entities[index]
                break
    entities.append(entity)

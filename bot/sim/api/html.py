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

__all__ = ["HtmlParseError", "parse_html", "utf16_len", "utf16_to_index"]

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
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
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\f\v"


class HtmlParseError(ValueError):
    """Raised for text Telegram rejects with "Bad Request: can't parse entities: <message>"."""


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


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode an HTML entity starting at ``text[pos] == '&'``; return (char, next_pos)."""
    end = pos + 1
    n = len(text)
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF" and value < 0x110000:
                value = value * 16 + int(text[end], 16)
                end += 1
        else:
            while end < n and text[end].isdigit() and text[end].isascii() and value < 0x110000:
                value = value * 10 + int(text[end])
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        name = text[pos + 1 : end]
        if name not in _NAMED_ENTITIES:
            return None
        char = _NAMED_ENTITIES[name]
    if end < n and text[end] == ";":
        end += 1
    return char, end


def _valid_url(url: str) -> bool:
    if not url or any(ch in url for ch in _SPACES):
        return False
    lowered = url.lower()
    if lowered.startswith(("http://", "https://", "tg://", "ton://", "ftp://")):
        return len(url.split("://", 1)[1]) > 0
    return "." in url and "://" not in url


class _Open:
    __slots__ = ("argument", "expandable", "start", "tag")

    def __init__(self, tag: str, argument: str, start: int, expandable: bool) -> None:
        self.tag = tag
        self.argument = argument
        self.start = start
        self.expandable = expandable


def _parse_start_tag(text: str, begin: int) -> tuple[_Open, int]:
    """Parse ``<tag attr="v">`` at ``begin``; return the open tag (start unset) and next index."""
    n = len(text)
    i = begin + 1
    while i < n and text[i] not in _SPACES and text[i] != ">":
        i += 1
    if i >= n:
        raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
    tag = text[begin + 1 : i].lower()
    if tag not in _SUPPORTED_TAGS:
        raise HtmlParseError(
            f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
        )
    argument = ""
    expandable = False
    while i < n and text[i] != ">":
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n:
            break
        if text[i] == ">":
            break
        attr_begin = i
        while i < n and text[i] not in _SPACES and text[i] not in "=>":
            i += 1
        attr = text[attr_begin:i]
        if not attr:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n or text[i] != "=":
            if tag == "blockquote" and attr == "expandable":
                expandable = True
                continue
            raise HtmlParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        i += 1
        while i < n and text[i] in _SPACES:
            i += 1
        if i >= n:
            raise HtmlParseError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        value_chars: list[str] = []
        if text[i] not in "'\"":
            token_begin = i
            while i < n and ((text[i].isascii() and text[i].isalnum()) or text[i] in ".-"):
                i += 1
            value_chars.append(text[token_begin:i].lower())
            if i >= n or (text[i] not in _SPACES and text[i] != ">"):
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, token_begin)}"
                )
        else:
            quote = text[i]
            i += 1
            while i < n and text[i] != quote:
                if text[i] == "&":
                    decoded = _decode_entity(text, i)
                    if decoded is not None:
                        value_chars.append(decoded[0])
                        i = decoded[1]
                        continue
                value_chars.append(text[i])
                i += 1
            if i < n:
                i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        value = "".join(value_chars)
        if (
            (tag == "a" and attr == "href")
            or (tag == "tg-emoji" and attr == "emoji-id")
            or (tag == "code" and attr == "class" and value.startswith("language-"))
            or (tag == "span" and attr == "class" and value.startswith("tg-"))
        ):
            argument = value
        elif tag == "blockquote" and attr == "expandable":
            expandable = True
    if tag == "code":
        argument = argument.removeprefix("language-")
    if tag == "span" and argument != "tg-spoiler":
        raise HtmlParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
        )
    return _Open(tag, argument, 0, expandable), i + 1


def _entity(open_tag: _Open, offset: int, length: int, inner: str) -> dict[str, Any] | None:
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


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Validate Telegram HTML and return (plain text, entity dicts) like the Bot API does.

    Raises HtmlParseError with Telegram's wording for anything Telegram rejects; with ``strict``
    also for a bare ``&`` that is not an entity (see the module docstring).
    """
    out: list[str] = []
    out_len = 0  # UTF-16 length of "".join(out)
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                out_len += utf16_len(decoded[0])
                i = decoded[1]
                continue
            if strict:
                end = i + 1
                while end < n and end - i < 12 and text[end] not in _SPACES + "&<;":
                    end += 1
                shown = text[i : end + 1] if end < n and text[end] == ";" else text[i:end]
                raise HtmlParseError(
                    f'Unsupported HTML entity "{shown}" at byte offset {_byte_offset(text, i)}; '
                    'escape "&" as &amp;'
                )
        if ch != "<":
            out.append(ch)
            out_len += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise HtmlParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(text, begin)}"
                )
            i += 2
            while i < n and text[i] not in _SPACES and text[i] != ">":
                i += 1
            end_name = text[begin + 2 : i].lower()
            while i < n and text[i] in _SPACES:
                i += 1
            if i >= n or text[i] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            open_tag = stack.pop()
            if end_name and end_name != open_tag.tag:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{open_tag.tag}>", found "</{end_name}>"'
                )
            length = out_len - open_tag.start
            if length > 0:
                inner = "".join(out)
                inner = inner[utf16_to_index(inner, open_tag.start) :]
                entity = _entity(open_tag, open_tag.start, length, inner)
                if entity is not None:
                    _merge_pre_code(entities, entity)
            continue
        open_tag, i = _parse_start_tag(text, begin)
        open_tag.start = out_len
        stack.append(open_tag)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


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

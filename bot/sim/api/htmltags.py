"""Telegram HTML's lexical pieces: character references and start tags with their attributes.

Part of :mod:`bot.sim.api.html`, which mirrors tdlib's ``parse_html`` and its error strings.
"""

from __future__ import annotations

__all__ = [
    "SPACES",
    "HtmlParseError",
    "OpenTag",
    "byte_offset",
    "decode_entity",
    "parse_start_tag",
]

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
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
SPACES = " \t\r\n\f\v"


class HtmlParseError(ValueError):
    """Raised for text Telegram rejects with "Bad Request: can't parse entities: <message>"."""


def byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of ``text[index]``, the offset Telegram's errors give."""
    return len(text[:index].encode("utf-8"))


_DIGITS = {10: "0123456789", 16: "0123456789abcdefABCDEF"}


def _read_number(text: str, end: int, base: int) -> tuple[int, int]:
    """Read digits of ``base`` from ``end`` (stopping past U+10FFFF); return (value, next_pos)."""
    digits = _DIGITS[base]
    value = 0
    while end < len(text) and text[end] in digits and value < 0x110000:
        value = value * base + int(text[end], base)
        end += 1
    return value, end


def _decode_numeric(text: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&#NNN`` or ``&#xHHH`` at ``pos`` (without the ``;``)."""
    end = pos + 2
    if end < len(text) and text[end] == "x":
        value, end = _read_number(text, end + 1, 16)
    else:
        value, end = _read_number(text, end, 10)
    if value == 0 or value >= 0x10FFFF or end - pos >= 10:
        return None
    return chr(value), end


def _decode_named(text: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&lt``, ``&gt``, ``&amp`` or ``&quot`` at ``pos`` (without the ``;``)."""
    end = pos + 1
    while end < len(text) and text[end].isascii() and text[end].isalpha():
        end += 1
    char = _NAMED_ENTITIES.get(text[pos + 1 : end])
    return None if char is None else (char, end)


def decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode an HTML entity starting at ``text[pos] == '&'``; return (char, next_pos)."""
    numeric = pos + 1 < len(text) and text[pos + 1] == "#"
    decoded = _decode_numeric(text, pos) if numeric else _decode_named(text, pos)
    if decoded is None:
        return None
    char, end = decoded
    if end < len(text) and text[end] == ";":
        end += 1
    return char, end


class OpenTag:
    """A start tag still open: its name, argument, start offset and expandable flag."""

    __slots__ = ("argument", "expandable", "start", "tag")

    def __init__(self, tag: str, argument: str, start: int, expandable: bool) -> None:
        self.tag = tag
        self.argument = argument
        self.start = start
        self.expandable = expandable


_ARGUMENT_ATTRS = frozenset({("a", "href"), ("tg-emoji", "emoji-id")})
_CLASS_PREFIXES = {"code": "language-", "span": "tg-"}


class _StartTag:
    """A cursor over one ``<tag attr="v" ...>``: the tag, its argument and expandable flag."""

    def __init__(self, text: str, begin: int) -> None:
        self.text = text
        self.n = len(text)
        self.begin = begin
        self.i = begin + 1
        self.tag = ""
        self.argument = ""
        self.expandable = False

    def error(self, message: str) -> HtmlParseError:
        """``message`` located at the tag's ``<``."""
        return HtmlParseError(f"{message} at byte offset {byte_offset(self.text, self.begin)}")

    def skip_spaces(self) -> None:
        """Advance past whitespace."""
        while self.i < self.n and self.text[self.i] in SPACES:
            self.i += 1

    def parse(self) -> tuple[OpenTag, int]:
        """Parse the whole tag; return the open tag (start unset) and the next index."""
        self.read_tag()
        while self.i < self.n and self.text[self.i] != ">":
            self.skip_spaces()
            if self.i >= self.n or self.text[self.i] == ">":
                break
            self.read_attribute()
        if self.tag == "code":
            self.argument = self.argument.removeprefix("language-")
        if self.tag == "span" and self.argument != "tg-spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"')
        return OpenTag(self.tag, self.argument, 0, self.expandable), self.i + 1

    def read_tag(self) -> None:
        """Read the tag name, which must be one Telegram supports."""
        text = self.text
        while self.i < self.n and text[self.i] not in SPACES and text[self.i] != ">":
            self.i += 1
        if self.i >= self.n:
            raise self.error("Unclosed start tag")
        self.tag = text[self.begin + 1 : self.i].lower()
        if self.tag not in _SUPPORTED_TAGS:
            raise self.error(f'Unsupported start tag "{self.tag}"')

    def read_attribute(self) -> None:
        """Read one ``name=value`` (or a bare ``expandable`` on a blockquote)."""
        attr = self.read_name()
        self.skip_spaces()
        if self.i >= self.n or self.text[self.i] != "=":
            if self.tag == "blockquote" and attr == "expandable":
                self.expandable = True
                return
            raise self.error(
                f'Expected equal sign in declaration of an attribute of the tag "{self.tag}"'
            )
        self.i += 1
        self.skip_spaces()
        if self.i >= self.n:
            raise self.error(f'Unclosed start tag "{self.tag}"')
        quoted = self.text[self.i] in "'\""
        value = self.read_quoted() if quoted else self.read_token()
        if self.i >= self.n:
            raise self.error("Unclosed start tag")
        self.apply(attr, value)

    def read_name(self) -> str:
        """Read an attribute name (which must not be empty)."""
        text = self.text
        start = self.i
        while self.i < self.n and text[self.i] not in SPACES and text[self.i] not in "=>":
            self.i += 1
        attr = text[start : self.i]
        if not attr:
            raise self.error(f'Empty attribute name in the tag "{self.tag}"')
        return attr

    def read_token(self) -> str:
        """Read an unquoted value: ASCII letters, digits, dots and dashes, lowercased."""
        text = self.text
        start = self.i
        while self.i < self.n and (
            (text[self.i].isascii() and text[self.i].isalnum()) or text[self.i] in ".-"
        ):
            self.i += 1
        if self.i >= self.n or (text[self.i] not in SPACES and text[self.i] != ">"):
            raise HtmlParseError(
                f"Unexpected end of name token at byte offset {byte_offset(text, start)}"
            )
        return text[start : self.i].lower()

    def read_quoted(self) -> str:
        """Read a quoted value, decoding HTML entities in it."""
        text = self.text
        quote = text[self.i]
        self.i += 1
        chars: list[str] = []
        while self.i < self.n and text[self.i] != quote:
            decoded = decode_entity(text, self.i) if text[self.i] == "&" else None
            if decoded is not None:
                chars.append(decoded[0])
                self.i = decoded[1]
            else:
                chars.append(text[self.i])
                self.i += 1
        if self.i < self.n:
            self.i += 1
        return "".join(chars)

    def apply(self, attr: str, value: str) -> None:
        """Keep the attributes Telegram reads: href, emoji-id, language-/tg- classes, expandable."""
        prefix = _CLASS_PREFIXES.get(self.tag) if attr == "class" else None
        if (self.tag, attr) in _ARGUMENT_ATTRS or (prefix and value.startswith(prefix)):
            self.argument = value
        elif self.tag == "blockquote" and attr == "expandable":
            self.expandable = True


def parse_start_tag(text: str, begin: int) -> tuple[OpenTag, int]:
    """Parse ``<tag attr="v">`` at ``begin``; return the open tag (start unset) and next index."""
    return _StartTag(text, begin).parse()

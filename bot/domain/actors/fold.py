"""Text folded for matching names: case, accents, Arabic-script variants, spaces and quotes.

Folding keeps a map from each folded character back to the original text, so a match in the
folded text is a span of the original.  Marks that carry meaning (Burmese vowel signs) are kept;
Latin/Cyrillic diacritics and Arabic vowel marks are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters folded to another character (or removed) before matching.
_MAP = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "`": "'",
    "\u00b4": "'",
    "\u05f4": '"',
    "\u201c": '"',
    "\u201d": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u00ad": "",
    "\u200c": "",
    "\u200d": "",
    "\u200e": "",
    "\u200f": "",
    "\u0640": "",  # tatweel
    "\u0623": "\u0627",  # alef with hamza above → alef
    "\u0625": "\u0627",  # alef with hamza below → alef
    "\u0622": "\u0627",  # alef with madda → alef
    "\u0671": "\u0627",  # alef wasla → alef
    "\u0649": "\u064a",  # alef maksura → yeh
    "\u06cc": "\u064a",  # Persian yeh → Arabic yeh
    "\u06a9": "\u0643",  # keheh → kaf
    "\u0629": "\u0647",  # teh marbuta → heh
}
_ARABIC_MARKS = frozenset(chr(c) for c in (*range(0x064B, 0x0660), 0x0670))
_NEEDS_LOOP = re.compile(r"[^\x20-\x7e]|\s{2,}")


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character folded: lowercased, without Latin/Cyrillic accents or Arabic vowel marks."""
    if ch in _MAP:
        return _MAP[ch]
    if ch.isspace():
        return " "
    if ch in _ARABIC_MARKS:
        return ""
    out = unicodedata.normalize("NFKC", ch).casefold()
    decomposed = unicodedata.normalize("NFD", out)
    kept = "".join(c for c in decomposed if not 0x0300 <= ord(c) <= 0x036F)
    out = unicodedata.normalize("NFC", kept)
    return "".join(_MAP.get(c, c) for c in out)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, per folded character, its offset in `text` (plus one past the end)."""
    if not _NEEDS_LOOP.search(text):
        return text.lower(), [*range(len(text) + 1)]
    parts: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        if folded == " " and parts and parts[-1] == " ":
            continue  # runs of spaces fold to one
        for c in folded:
            parts.append(c)
            where.append(i)
    where.append(len(text))
    return "".join(parts), where


def fold(text: str) -> str:
    """A name folded for comparison (spaces trimmed)."""
    return fold_with_map(text)[0].strip()

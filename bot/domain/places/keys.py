"""Keys of world-gazetteer places: a readable slug and the place's number, e.g. "el-fasher-g8ahv".

Places with a curated key ("herat", "islam-qala") keep it; every other shipped place's key is
derived from its name and its GeoNames id, so it survives rebuilds and fits callback data.
"""

from __future__ import annotations

import re

from unidecode import unidecode

MAX_KEY = 40
_MARK = "-g"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_DERIVED_RE = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)-g([0-9a-z]{1,8})$")


def slug(text: str, limit: int = MAX_KEY) -> str:
    """A lowercase ASCII slug of a name, at most `limit` characters, cut at a word."""
    s = unidecode(text).lower()
    s = re.sub(r"['`’‘]", "", s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0] if "-" in s[:limit] else s[:limit]
    return s


def _base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if number == 0:
            return out


def derived_key(name: str, number: int) -> str:
    """The key of a shipped place without a curated key: slug of its name, "-g", its number."""
    tail = _MARK + _base36(number)
    return (slug(name, MAX_KEY - len(tail)) or "place") + tail


def split_derived(key: str) -> tuple[str, int] | None:
    """(slug, number) of a derived key, or None for any other key."""
    m = _DERIVED_RE.match(key)
    if m is None:
        return None
    return m.group(1), int(m.group(2), 36)

"""Short names several countries answer to: "Congo" (both Congos), "Korea" (both Koreas).

A country's short name is its name or alias without the words of its form of government
("Democratic Republic of the Congo" and "Republic of the Congo" both shorten to "Congo"); a
short name two countries share is a namesake the text's other places decide, like a town's.
"South Sudan" keeps "South" and "Equatorial Guinea" its "Equatorial": those stay apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot.domain.places.model import Place
from bot.domain.places.names import clean, split_words

_GOVERNMENT_WORDS = frozenset(
    "democratic republic of the people peoples s federal federative plurinational bolivarian "
    "socialist islamic dr d r".split()
)


def short_name(name: str) -> str:
    """A country name without its form-of-government words, normalized ("" if nothing is left)."""
    return "".join(w for w in split_words(clean(name)) if w not in _GOVERNMENT_WORDS)


def shared_short_names(countries: Iterable[Place]) -> dict[str, tuple[str, ...]]:
    """Normalized short names that two or more countries answer to, with those countries' keys."""
    return _shared(tuple((p.key, p.all_names()) for p in countries))


@lru_cache(maxsize=4)
def _shared(countries: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[str, ...]]:
    owners: dict[str, set[str]] = {}
    for key, names in countries:
        for name in names:
            short = short_name(name)
            if len(short) >= 4:
                owners.setdefault(short, set()).add(key)
    return {short: tuple(sorted(keys)) for short, keys in owners.items() if len(keys) > 1}

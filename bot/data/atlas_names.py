"""Which names of a place go into the world gazetteer's index (build time only).

Alternate names are kept in every script; codes, numbers and junk are dropped. A name that is
also an ordinary word ("Rapid", "Sedan", "Date") is kept only for a place important enough that
writers mean the place when they use it: word frequencies come from the `wordfreq` package, in
the languages of the name's script, not from a hand list.
"""

from __future__ import annotations

import functools
import re

from bot.domain.places.model import PlaceKind
from bot.domain.places.names import COMMON_WORDS, normalize, normalize_and_fold
from bot.domain.places.ranking import frequency_allowed

MAX_NAME = 60
_JUNK_RE = re.compile(r"[0-9@/\\#%&+=<>|_]|https?:|www\.")
_ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN = ("en", "fr", "es", "de", "pt", "it")
_ARABIC = ("ar", "fa")
_CYRILLIC = ("ru", "uk")

FOLD_POPULATION = 5000
TYPO_POPULATION = 15000
MIN_INDEXED = 3  # normalized characters an indexed name needs (two-letter names are codes)


def usable(raw: str) -> str | None:
    """The name cleaned of surrounding space, or None when it is a code, a number or junk."""
    text = " ".join(raw.split())
    if not text or len(text) > MAX_NAME or _JUNK_RE.search(text):
        return None
    if text.isascii() and text.isupper() and len(text) <= 4:
        return None  # airport and postal codes
    return text


@functools.lru_cache(maxsize=1 << 20)
def word_frequency(text: str) -> float:
    """The highest Zipf frequency of a name as a word in the languages of its script."""
    from wordfreq import zipf_frequency

    low = text.casefold()
    langs: tuple[str, ...]
    if _ARABIC_RE.search(low):
        langs = _ARABIC
    elif _CYRILLIC_RE.search(low):
        langs = _CYRILLIC
    elif low.isascii():
        langs = _LATIN
    else:
        return 0.0
    return max(zipf_frequency(low, lang) for lang in langs)


def index_forms(
    names: list[str], kind: PlaceKind, population: int, curated: bool
) -> tuple[set[str], set[str], set[str]]:
    """(normalized, folded, typo) index entries for a place's names, common words left out.

    Folded forms (variant spellings) are kept for areas, curated places and towns of
    FOLD_POPULATION or more; a smaller village is found by its names as written. Typo forms
    (every folded name, for typo tolerance) only for areas, curated places and towns of
    TYPO_POPULATION or more."""
    allowed = frequency_allowed(kind, population, curated)
    with_folds = curated or kind is not PlaceKind.TOWN or population >= FOLD_POPULATION
    norms: set[str] = set()
    folds: set[str] = set()
    typos: set[str] = set()
    with_typos = curated or kind is not PlaceKind.TOWN or population >= TYPO_POPULATION
    for raw in names:
        text = usable(raw)
        if text is None:
            continue
        norm, folded = normalize_and_fold(text)
        if len(norm) < MIN_INDEXED or norm in norms or (norm in COMMON_WORDS and not curated):
            continue
        if allowed < 99.0 and word_frequency(text) >= allowed:
            continue
        norms.add(norm)
        if with_folds and folded != norm and len(folded) >= 5:
            folds.add(folded)
        if with_typos and folded.isascii() and len(folded) >= 4:
            typos.add(folded)
    return norms, folds, typos


FREQUENT_ZIPF = 3.5
_WORD_LANGS = ("en", "fr", "es", "de", "pt", "it", "ru", "uk", "ar", "fa")


def frequent_words() -> dict[str, int]:
    """Normalized words of Zipf frequency 3.5 or more in the crises' languages (x10, max)."""
    from wordfreq import top_n_list, zipf_frequency

    out: dict[str, int] = {}
    for lang in _WORD_LANGS:
        for word in top_n_list(lang, 60_000):
            z = zipf_frequency(word, lang)
            if z < FREQUENT_ZIPF:
                break
            norm = normalize(word)
            if norm:
                out[norm] = max(out.get(norm, 0), round(z * 10))
    return out

"""The gazetteer's name index: normalized and folded names to place keys, with typo lookup."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.domain.places.model import KIND_FORMS, Place
from bot.domain.places.names import COMMON_WORDS, fold, normalize_and_fold

MIN_FOLDED_LEN = 5  # folded characters a name needs before spelling variants count
MIN_FUZZY_LEN = 6  # folded characters a name needs before typos are tolerated
SHORT_FUZZY_CUTOFF = 93.0  # 6-7 folded chars: one missing letter in a 7-char name only
FUZZY_CUTOFF = 92.0  # single words of 8+ folded chars
MULTIWORD_FUZZY_CUTOFF = 90.0  # names of two or more words, 8+ folded chars
SUGGEST_CUTOFF = 60.0
MAX_WINDOWS = 1024  # typo candidates by length, remembered per bucket (then forgotten)
_windows: dict[tuple[int, int, int], tuple[list[str], list[str]]] = {}


def fuzzy_cutoff(folded: str, words: int) -> float | None:
    """The rapidfuzz ratio a folded query needs, or None if it is too short for typo tolerance."""
    if len(folded) < MIN_FUZZY_LEN:
        return None
    if len(folded) < 8:
        return SHORT_FUZZY_CUTOFF
    return MULTIWORD_FUZZY_CUTOFF if words > 1 else FUZZY_CUTOFF


def typo_window(names: list[str], folded: str, cutoff: float) -> list[str]:
    """The names (in their order) long or short enough for ``fuzz.ratio`` to reach `cutoff`
    against `folded`: it is at most 200·min(len)/(sum of lens), so the others cannot match and
    a typo search need not score them."""
    share = cutoff / 100
    lo = math.ceil(len(folded) * share / (2 - share) - 1e-9)
    hi = math.floor(len(folded) * (2 - share) / share + 1e-9) if share > 0 else 1 << 30
    key = (id(names), lo, hi)
    hit = _windows.get(key)
    if hit is None or hit[0] is not names:  # a bucket rebuilt since
        if len(_windows) > MAX_WINDOWS:
            _windows.clear()
        hit = (names, [n for n in names if lo <= len(n) <= hi])
        _windows[key] = hit
    return hit[1]


def place_forms(place: Place) -> Iterator[tuple[str, str]]:
    """(normalized, folded) for every indexable name of a place, kind forms included."""
    seen: set[str] = set()
    for base in place.all_names():
        for form in ("{}", *KIND_FORMS[place.kind]):
            text = form.replace("{}", base)
            n, f = normalize_and_fold(text)
            if not n or n in seen or (form == "{}" and n in COMMON_WORDS):
                continue
            seen.add(n)
            yield n, f


@dataclass(slots=True)
class NameIndex:
    """Place keys by normalized name and by folded name, plus folded base names by first letter."""

    by_norm: dict[str, list[str]] = field(default_factory=dict)
    by_fold: dict[str, list[str]] = field(default_factory=dict)
    buckets: dict[str, list[str]] | None = None  # built lazily by the first typo lookup

    def copy(self) -> NameIndex:
        """An independent copy of the name maps (the buckets are rebuilt lazily)."""
        return NameIndex(
            by_norm={k: list(v) for k, v in self.by_norm.items()},
            by_fold={k: list(v) for k, v in self.by_fold.items()},
        )

    def add(self, place: Place) -> None:
        """Index every name form of a place."""
        for n, f in place_forms(place):
            _add_to(self.by_norm, n, place.key)
            _add_to(self.by_fold, f, place.key)
        if self.buckets is not None:
            # Keep the fuzzy buckets current instead of rebuilding them (imports add many places).
            for base in place.all_names():
                f = fold(base)
                if f and f in self.by_fold:
                    bucket = self.buckets.setdefault(f[0], [])
                    if f not in bucket:
                        bucket.append(f)

    def remove(self, place: Place) -> None:
        """Drop every name form of a place from the name maps."""
        for n, f in place_forms(place):
            _remove_from(self.by_norm, n, place.key)
            _remove_from(self.by_fold, f, place.key)

    def fuzzy(
        self, folded: str, words: int, places: Iterable[Place]
    ) -> tuple[list[str], float] | None:
        """The keys of the folded name closest to ``folded`` and its score, if close enough."""
        cutoff = fuzzy_cutoff(folded, words)
        if cutoff is None:
            return None
        choices = self.bucket(folded[0], places)
        if not choices:
            return None
        hit = process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit is None:
            return None
        matched, score, _ = hit
        return self.by_fold[matched], float(score)

    def bucket_names(self, places: Iterable[Place]) -> list[str]:
        """Folded base names of `places` that the index holds (typo targets)."""
        names: set[str] = set()
        for place in places:
            for base in place.all_names():
                f = fold(base)
                if f and f in self.by_fold:
                    names.add(f)
        return sorted(names)

    def bucket(self, first: str, places: Iterable[Place]) -> list[str]:
        """Folded base names (no "X city" forms) starting with ``first``; typos rarely hit it."""
        if self.buckets is None:
            names: set[str] = set()
            for place in places:
                for base in place.all_names():
                    f = fold(base)
                    if f and f in self.by_fold:
                        names.add(f)
            buckets: dict[str, list[str]] = {}
            for folded in sorted(names):
                buckets.setdefault(folded[0], []).append(folded)
            self.buckets = buckets
        return self.buckets.get(first, [])


def _add_to(index: dict[str, list[str]], key: str, value: str) -> None:
    bucket = index.setdefault(key, [])
    if value not in bucket:
        bucket.append(value)


def _remove_from(index: dict[str, list[str]], key: str, value: str) -> None:
    bucket = index.get(key)
    if bucket and value in bucket:
        bucket.remove(value)
        if not bucket:
            del index[key]

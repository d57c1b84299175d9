"""Misspelled question words: a word close to one of the question grammar's is read as that word.

"happend", "yesterdy", "airstirkes" never become full-text terms that empty an answer: a leftover
word within a small edit distance of a grammar word (stop words, kind words, time and number
words) is dropped or read as that word (rapidfuzz, ratio-based, words of five letters or more).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

MIN_LEN = 5  # shorter words are too easily close to something
CUTOFF = 84.0  # similarity (0-100) from which a word is taken for a grammar word


class Vocabulary:
    """The grammar's words, for typo lookups (built once per vocabulary)."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words = tuple(sorted({w.lower() for w in words if len(w) >= MIN_LEN - 1}))
        self._set = frozenset(self._words)

    @property
    def words(self) -> tuple[str, ...]:
        """The words, sorted."""
        return self._words

    def __contains__(self, word: object) -> bool:
        """Whether the word is one of the grammar's, as written."""
        return word in self._set

    def closest(self, word: str) -> str | None:
        """The grammar word a (misspelled) word stands for, or None."""
        return _closest(self, word.lower())


@lru_cache(maxsize=4096)
def _closest(vocab: Vocabulary, word: str) -> str | None:
    if len(word) < MIN_LEN or not word.isascii():
        return None
    if word in vocab:
        return word
    found = process.extractOne(
        word,
        vocab.words,
        scorer=fuzz.ratio,
        score_cutoff=CUTOFF,
    )
    return str(found[0]) if found is not None else None

"""Leftover question words checked against the words of the stored events (pure, no I/O).

A leftover word (not a place, actor, kind, time or grammar word) is a full-text filter. Read
against the store's own vocabulary (the words of every stored event's summary, actors, type and
place as written — villages added by imports, actors no registry knows):

* a word the store holds (as written, or by a crude stem: "clashing" ~ "clashes") is kept;
* a misspelling of a stored word ("Sangtodda" for "Sangtoda": one letter added, dropped or
  changed, two from eight letters; rapidfuzz's Levenshtein distance, words of five letters or
  more) is read as that word, and the answer says so;
* a word no stored event holds, nor anything close, is dropped with a note ("ignored: xyz"):
  searched, it could only empty the answer (unless nothing else is asked: then the answer's
  own "nothing matching xyz" is the honest one).

Grammar synonyms ("air strikes") stay as they are, and so does everything when the vocabulary is
incomplete (it stops growing at MAX_WORDS): a word is dropped only when the store is known not to
hold it. A capitalised unknown name ("at Hafizanno") is corrected the same way, never dropped:
the answer for an unknown place says so itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol, runtime_checkable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.domain.questions.grammar import SYNONYMS
from bot.domain.questions.typos import MIN_LEN
from bot.domain.questions.understand import Query

LONG_WORD = 8  # from this length, a word may be two edits off a stored word (else one)
MAX_WORDS = 400_000  # distinct words kept; beyond, the vocabulary is incomplete (never drops)
_TOKEN = re.compile(r"[a-z]{3,40}")
_SUFFIXES = ("ings", "ing", "ed", "es", "s", "ers", "er")
_GRAMMAR = frozenset(w for group in SYNONYMS for w in group)


def fold(text: str) -> str:
    """Lower case without diacritics ("Kunduz" and "Kundūz" alike), as the full-text index."""
    low = text.lower()
    if low.isascii():
        return low
    # letters without their marks; other scripts go (only ASCII words are looked up)
    return unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode("ascii")


def crude_stem(word: str) -> str:
    """The word without one common English ending, when at least four letters remain."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class Lexicon:
    """The distinct words of stored events, growing as events are stored."""

    def __init__(self, cap: int = MAX_WORDS) -> None:
        self._cap = cap
        self._words: set[str] = set()
        self._stems: set[str] = set()
        self._by_length: dict[int, list[str]] = {}
        self.capped = False  # MAX_WORDS reached: some stored words are not known
        self.learning = False  # the stored events' words are still being read

    @property
    def complete(self) -> bool:
        """Whether every stored event's words are known (a word may then be dropped)."""
        return not (self.capped or self.learning)

    def __len__(self) -> int:
        """How many distinct words."""
        return len(self._words)

    def add_text(self, texts: Iterable[str]) -> None:
        """Learn the words of some texts."""
        known = self._words
        for word in set(_TOKEN.findall(" ".join(map(fold, texts)))) - known:
            if len(known) >= self._cap:
                self.capped = True
                return
            known.add(word)
            self._stems.add(crude_stem(word))
            self._by_length.setdefault(len(word), []).append(word)

    def knows(self, word: str) -> bool:
        """Whether a stored event holds the word (or a form of it)."""
        w = fold(word)
        return w in self._words or crude_stem(w) in self._stems

    def closest(self, word: str) -> str | None:
        """The stored word a misspelled word stands for, or None."""
        w = fold(word)
        if len(w) < MIN_LEN:
            return None
        most = 1 if len(w) < LONG_WORD else 2  # edits (a letter added, dropped or changed)
        near = range(len(w) - most, len(w) + most + 1)
        candidates = [c for n in near for c in self._by_length.get(n, ())]
        found = process.extractOne(w, candidates, scorer=Levenshtein.distance, score_cutoff=most)
        return str(found[0]) if found is not None else None


@runtime_checkable
class LexiconSource(Protocol):
    """Where the stored events' words come from (the answers' EventReader in the store)."""

    async def lexicon(self) -> Lexicon:
        """The words of the events stored so far."""
        ...


def check_words(query: Query, lexicon: Lexicon) -> tuple[Query, tuple[str, ...]]:
    """The query with its leftover words read against the store's words, and notes saying
    what was read otherwise or ignored (see the module)."""
    if not query.words and not query.unknown_name:
        return query, ()
    kept: list[str] = []
    read_as: list[str] = []
    ignored: list[str] = []
    for word in query.words:
        if " " in word or word in _GRAMMAR or lexicon.knows(word):
            kept.append(word)
            continue
        fixed = lexicon.closest(word)
        if fixed is not None:
            kept.append(fixed)
            read_as.append(f"{word} as {fixed}")
        elif lexicon.complete:
            ignored.append(word)
        else:
            kept.append(word)
    unknown = query.unknown_name
    if unknown:
        fixed_name = _fixed_name(unknown, lexicon)
        if fixed_name is not None and fixed_name != unknown:
            read_as.append(f"{unknown} as {fixed_name}")
            unknown = fixed_name
    notes = [f"read {', '.join(read_as)}"] if read_as else []
    if ignored:
        notes.append(f"ignored: {', '.join(ignored)}")
    checked = replace(query, words=tuple(dict.fromkeys(kept)), unknown_name=unknown)
    if not notes or checked.is_empty:
        return query, ()  # nothing else to search by: the honest "nothing" for the words
    return checked, tuple(notes)


def _fixed_name(name: str, lexicon: Lexicon) -> str | None:
    """A name with each misspelled word read as the stored word (None: some word is unknown)."""
    out: list[str] = []
    for part in name.split():
        if lexicon.knows(part):
            out.append(part)
            continue
        fixed = lexicon.closest(part)
        if fixed is None:
            return None
        out.append(fixed[:1].upper() + fixed[1:])
    return " ".join(out)

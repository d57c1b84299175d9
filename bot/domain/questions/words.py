"""The leftover words of a question: which of them are worth searching, and "killed" words.

A leftover word is kept as a full-text filter only when it carries meaning: stop words go, and
so does a misspelling of any word of the question grammar ("happend", "yesterdy", "airstirkes")
— read as the word it stands for, it would never have been a search term either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.domain.questions.kinds import KIND_VOCABULARY
from bot.domain.questions.timetypes import MONTH_FULL
from bot.domain.questions.typos import Vocabulary

_LETHAL = re.compile(
    r"\b(?:killed|killing|killings|dead|deaths|died|deadly|fatal|fatalities|casualties|lethal)\b",
    re.IGNORECASE,
)
GRAMMAR_WORDS = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday yesterday today tonight
    morning evening night weekend fortnight quarter months weeks years hours
    killed killing deaths fatalities casualties people wounded injured many number total
    which where province provinces district districts country countries region regions
    happened happening happens something anything everything events incidents update updates
    latest recent recently situation between since during until before after around across
    please could would should there their about events report reports reported what whats
    """.split()
) | {m.lower() for m in MONTH_FULL if m}

_VOCABS: dict[frozenset[str], Vocabulary] = {}
TIME_WORDS = Vocabulary(
    """
    yesterday today tonight monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    morning evening weekend fortnight quarter recently lately between since during
    """.split()
)
_LONG_WORD = re.compile(r"[A-Za-z]{5,}")


def _vocabulary(stopwords: frozenset[str]) -> Vocabulary:
    vocab = _VOCABS.get(stopwords)
    if vocab is None:
        vocab = Vocabulary(stopwords | GRAMMAR_WORDS | KIND_VOCABULARY)
        _VOCABS[stopwords] = vocab
    return vocab


def leftover_words(words: Iterable[str], stopwords: frozenset[str]) -> list[str]:
    """The words worth searching: no stop words, no misspelled grammar words."""
    vocab = _vocabulary(stopwords)
    out: list[str] = []
    for w in words:
        if w in stopwords or w in GRAMMAR_WORDS or vocab.closest(w) is not None:
            continue
        out.append(w)
    return out


def fix_time_typos(text: str) -> str:
    """The text with misspelled time words written right ("yesterdy" → "yesterday"), so the time
    window is read; place and actor names are left alone (the gazetteer has its own typo rules)."""

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word.lower() in TIME_WORDS:
            return word
        right = TIME_WORDS.closest(word)
        return right if right is not None else word

    return _LONG_WORD.sub(fix, text)


def lethal_in(text: str) -> tuple[bool, str]:
    """Whether the question asks for deadly events ("killed", "deaths"), and the rest of it."""
    found = _LETHAL.search(text) is not None
    return found, _LETHAL.sub(" ", text) if found else text

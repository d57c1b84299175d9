"""Finding place names in free text: tokens, candidate spans and the longest-match scan."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.domain.places.index import MIN_FUZZY_LEN, NameIndex
from bot.domain.places.model import Place, PlaceMention
from bot.domain.places.names import (
    COMMON_WORDS,
    FUNCTION_WORDS,
    clean,
    fold_word,
    join_folded,
    split_words,
)

MAX_NGRAM = 5
MIN_EXACT_LEN = 3  # normalized characters a single-word exact hit in free text needs

_TOKEN_RE = re.compile(r"[^\W_](?:[^\W_]|['’‘`ʼʻ\u200c-](?=[^\W_]))*")
_POSSESSIVE = ("'s", "’s", "`s")

# (keys, span, exact) -> the place meant, or None when no candidate may be meant there
Best = Callable[[list[str], "list[Token]", bool], "Place | None"]
Fuzzy = Callable[[str, int], "tuple[Place, float] | None"]


@dataclass(slots=True)
class Token:
    """One word of a text with its normalized and folded forms."""

    start: int
    end: int
    norm: str
    words: list[str]  # folded words
    upper: bool  # starts with an uppercase letter or is non-Latin script
    common: bool
    function: bool


def tokenize(text: str) -> list[Token]:
    """The words of a text (possessive 's dropped), skipping ones with no letters."""
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        word = m.group()
        if word.endswith(_POSSESSIVE) and len(word) > 3:
            word = word[:-2]
            end -= 2
        parts = split_words(clean(word))
        norm = "".join(parts)
        if not norm:
            continue
        first = word[0]
        tokens.append(
            Token(
                start=start,
                end=end,
                norm=norm,
                words=[fold_word(w) for w in parts],
                upper=first.isupper() or not first.isascii(),
                common=norm in COMMON_WORDS,
                function=norm in FUNCTION_WORDS,
            )
        )
    return tokens


def joined(text: str, span: list[Token]) -> bool:
    """True if only spaces separate the tokens of a span (punctuation breaks a name)."""
    return all(not text[a.end : b.start].strip(" ") for a, b in itertools.pairwise(span))


def find_mentions(text: str, index: NameIndex, best: Best, fuzzy: Fuzzy) -> list[PlaceMention]:
    """Places mentioned in free text, longest names first, never overlapping, in text order."""
    tokens = tokenize(text)
    if not tokens:
        return []
    scan = _Scan(text, tokens, index, best, fuzzy, not any(c.isupper() for c in text))
    mentions: list[PlaceMention] = []
    i = 0
    while i < len(tokens):
        found = scan.match_at(i)
        if found is None:
            i += 1
            continue
        mention, used = found
        mentions.append(mention)
        i += used
    return mentions


@dataclass(slots=True)
class _Scan:
    """One pass over a text's tokens, remembering typo lookups by folded form."""

    text: str
    tokens: list[Token]
    index: NameIndex
    best: Best
    fuzzy: Fuzzy
    allow_fuzzy_lower: bool
    memo: dict[str, tuple[Place, float] | None] = field(default_factory=dict)

    def match_at(self, i: int) -> tuple[PlaceMention, int] | None:
        """The longest place name starting at token ``i`` and how many tokens it uses."""
        max_n = min(MAX_NGRAM, len(self.tokens) - i)
        spans = [
            self.tokens[i : i + n]
            for n in range(max_n, 0, -1)
            if joined(self.text, self.tokens[i : i + n])
        ]
        # 1. exact normalized names, longest first ("Herat city" before "Herat")
        for span in spans:
            found = self._exact(span)
            if found is not None:
                return found, len(span)
        # 2. folded spellings, then typos: only for proper-noun-looking words (or lowercase texts)
        for span in spans:
            found = self._folded(span)
            if found is not None:
                return found, len(span)
        return None

    def _exact(self, span: list[Token]) -> PlaceMention | None:
        if len(span) == 1 and (span[0].common or len(span[0].norm) < MIN_EXACT_LEN):
            return None
        keys = self.index.by_norm.get("".join(t.norm for t in span))
        place = self.best(keys, span, True) if keys else None
        return self._mention(place, span, 100.0) if place is not None else None

    def _may_fold(self, span: list[Token]) -> bool:
        if len(span) > 3 or (len(span) == 1 and span[0].common):
            return False
        if span[0].function or span[-1].function or all(t.common for t in span):
            return False
        return self.allow_fuzzy_lower or all(t.upper for t in span)

    def _folded(self, span: list[Token]) -> PlaceMention | None:
        if not self._may_fold(span):
            return None
        folded = join_folded([w for t in span for w in t.words])
        if len(folded) < MIN_FUZZY_LEN:
            return None
        keys = self.index.by_fold.get(folded)
        if keys:
            place = self.best(keys, span, False)
            return self._mention(place, span, 98.0) if place is not None else None
        if folded not in self.memo:
            self.memo[folded] = self.fuzzy(folded, len(span))
        hit = self.memo[folded]
        return self._mention(hit[0], span, hit[1]) if hit is not None else None

    def _mention(self, place: Place, span: list[Token], score: float) -> PlaceMention:
        start, end = span[0].start, span[-1].end
        return PlaceMention(
            place=place, start=start, end=end, matched=self.text[start:end], score=score
        )

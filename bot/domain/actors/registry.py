"""The actor registry: canonical actors and their aliases, found in articles and questions.

Matching is on folded text (`fold`): case-insensitive, accents and Arabic-script variants
folded, whole words only, the longest alias first, mentions never overlapping.  Two kinds of
alias are special:

* an alias in capitals that is also an ordinary word ("IS", "US", "AA", "PDF") or has at most
  two letters matches only as written, so "is" and "us" in prose name no one ("U.S.", with its
  dots, is no word and matches in any case);
* an alias in a script written without spaces between words (Burmese) matches anywhere.

An Arabic-script word may carry a one-letter proclitic ("و" and, "ب" by, "ل" for): "وحماس" is
"and Hamas".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.domain.actors.fold import fold, fold_with_map
from bot.domain.actors.model import Actor

__all__ = ["AMBIGUOUS_ACRONYMS", "ActorMention", "ActorRegistry"]

# Acronyms that are also ordinary words (English or common names): matched in capitals only.
AMBIGUOUS_ACRONYMS = frozenset(
    "is us un aa ana anp pdf pdfs sac kia laf ola mss jas ula saa iea afu agc egc sna ada "
    "it am an as at be by do go he if in me my no of oh on or so to up we".split()
)
SUGGEST_SCORE = 75  # rapidfuzz ratio a suggestion needs
MAX_SEARCH_TERMS = 16  # names an actor is searched by in stored events
_TOKEN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_UNSPACED = re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff]")
_PROCLITICS = frozenset("وفبلك")


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in a text: the actor, where (offsets in the original text) and as what."""

    actor: Actor
    start: int
    end: int
    matched: str


@dataclass(frozen=True, slots=True)
class _Alias:
    folded: str
    raw: str
    actor: str
    exact: bool  # matches only as written


def _is_exact(alias: str) -> bool:
    """Whether an alias matches only as written (a capitalised acronym that is also a word)."""
    letters = [c for c in alias if c.isalpha()]
    if not letters or any(c.islower() for c in letters) or " " in alias.strip() or "." in alias:
        return False
    return len(letters) <= 2 or fold(alias).replace(".", "") in AMBIGUOUS_ACRONYMS


class ActorRegistry:
    """Every known actor by canonical name, with an index of their aliases for matching."""

    def __init__(self, actors: Iterable[Actor] = ()) -> None:
        self._actors: dict[str, Actor] = {}
        self._by_token: dict[str, list[_Alias]] = {}
        self._unspaced: list[_Alias] = []
        self._names: dict[str, list[_Alias]] = {}
        self.add_many(actors)

    # ------------------------------------------------------------------ contents

    def __iter__(self) -> Iterator[Actor]:
        return iter(sorted(self._actors.values(), key=lambda a: fold(a.name)))

    def __len__(self) -> int:
        return len(self._actors)

    def __contains__(self, name: object) -> bool:
        return name in self._actors

    def get(self, name: str) -> Actor | None:
        """The actor with this canonical name, if any."""
        return self._actors.get(name)

    def alias_count(self) -> int:
        """How many names (canonical and aliases) the registry matches."""
        return sum(len(a.names) for a in self._actors.values())

    def add_many(self, actors: Iterable[Actor]) -> None:
        """Add or replace actors (by canonical name) and rebuild the index once."""
        for actor in actors:
            self._actors[actor.name] = actor
        self._rebuild()

    def put(self, actor: Actor) -> None:
        """Add or replace one actor."""
        self.add_many((actor,))

    def remove(self, name: str) -> bool:
        """Forget an actor; whether it was known."""
        if self._actors.pop(name, None) is None:
            return False
        self._rebuild()
        return True

    def _rebuild(self) -> None:
        by_token: dict[str, list[_Alias]] = {}
        unspaced: list[_Alias] = []
        names: dict[str, list[_Alias]] = {}
        for actor in self._actors.values():
            for raw in actor.names:
                folded = fold(raw)
                if not folded:
                    continue
                alias = _Alias(folded, raw.strip(), actor.name, _is_exact(raw))
                names.setdefault(folded, []).append(alias)
                first = _TOKEN.match(folded)
                if _UNSPACED.search(folded):
                    unspaced.append(alias)
                elif first is not None:
                    by_token.setdefault(first.group(), []).append(alias)
        for group in by_token.values():
            group.sort(key=lambda a: len(a.folded), reverse=True)
        unspaced.sort(key=lambda a: len(a.folded), reverse=True)
        self._by_token, self._unspaced, self._names = by_token, unspaced, names

    # ------------------------------------------------------------------ lookup

    def resolve(self, name: str) -> Actor | None:
        """The actor a whole name (canonical or alias, any case) refers to, if exactly one."""
        aliases = self._names.get(fold(name), [])
        owners = {a.actor for a in aliases if not a.exact or a.raw == name.strip()}
        return self._actors[owners.pop()] if len(owners) == 1 else None

    def owners(self, name: str) -> list[Actor]:
        """Every actor a whole name (any case) is a name of."""
        found = dict.fromkeys(a.actor for a in self._names.get(fold(name), []))
        return [self._actors[n] for n in found]

    def find_in_text(
        self, text: str, *, skip_kinds: frozenset[str] = frozenset()
    ) -> list[ActorMention]:
        """Actors named in a text, in order, longest alias first, no two mentions overlapping."""
        norm, where = fold_with_map(text)
        spans: list[tuple[int, int, _Alias]] = []
        taken = 0
        for m in _TOKEN.finditer(norm):
            if m.start() < taken:
                continue
            hit = self._match_at(norm, text, where, m.start(), m.group())
            if hit is None and m.group()[0] in _PROCLITICS and len(m.group()) > 2:
                hit = self._match_at(norm, text, where, m.start() + 1, m.group()[1:])
            if hit is not None:
                spans.append(hit)
                taken = hit[1]
        spans.extend(self._unspaced_hits(norm, spans))
        out: list[ActorMention] = []
        for start, end, alias in sorted(spans, key=lambda s: s[0]):
            actor = self._actors[alias.actor]
            if actor.kind in skip_kinds:
                continue
            o_start, o_end = where[start], where[end]
            out.append(ActorMention(actor, o_start, o_end, text[o_start:o_end]))
        return out

    def names_in(self, text: str, *, skip_kinds: frozenset[str] = frozenset()) -> list[str]:
        """Canonical names of the actors a text names, each once, in order of first mention."""
        found = self.find_in_text(text, skip_kinds=skip_kinds)
        return list(dict.fromkeys(m.actor.name for m in found))

    def _match_at(
        self, norm: str, text: str, where: list[int], at: int, token: str
    ) -> tuple[int, int, _Alias] | None:
        """The longest alias starting at `at` whose first word is `token`, as a whole word."""
        for alias in self._by_token.get(token, ()):
            end = at + len(alias.folded)
            if not norm.startswith(alias.folded, at):
                continue
            if end < len(norm) and _WORD_CHAR.match(norm[end]):
                continue
            if alias.exact and text[where[at] : where[end]] != alias.raw:
                continue
            return at, end, alias
        return None

    def _unspaced_hits(
        self, norm: str, taken: list[tuple[int, int, _Alias]]
    ) -> list[tuple[int, int, _Alias]]:
        """Aliases in scripts without spaces between words, found anywhere not yet taken."""
        if not self._unspaced or not _UNSPACED.search(norm):
            return []
        hits: list[tuple[int, int, _Alias]] = []
        busy = [(s, e) for s, e, _ in taken]
        for alias in self._unspaced:
            at = norm.find(alias.folded)
            while at >= 0:
                end = at + len(alias.folded)
                if all(end <= s or at >= e for s, e in busy):
                    hits.append((at, end, alias))
                    busy.append((at, end))
                at = norm.find(alias.folded, end)
        return hits

    def lookup(self, name: str) -> Actor | None:
        """The actor a name refers to: as a whole name, else the first actor it mentions."""
        actor = self.resolve(name) or self.get(name.strip())
        if actor is not None:
            return actor
        found = self.find_in_text(name)
        return found[0].actor if found else None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Canonical names of the actors whose names are nearest to a misspelt one."""
        choices = {fold(n): a.name for a in self._actors.values() for n in a.names}
        hits = process.extract(fold(name), list(choices), scorer=fuzz.ratio, limit=limit * 4)
        out = [choices[h[0]] for h in hits if h[1] >= SUGGEST_SCORE]
        return list(dict.fromkeys(out))[:limit]

    # ------------------------------------------------------------------ questions

    def search_terms(self, name: str) -> tuple[str, ...]:
        """Lowercase names that find an actor in stored event text (canonical name first).

        Not folded: the full-text index holds the text as written ("الدولة", "российская")."""
        actor = self._actors.get(name)
        if actor is None:
            return (fold(name),)
        names = actor.search or tuple(n for n in actor.names if not _is_exact(n))
        terms = [" ".join(n.lower().split()) for n in names]
        terms.sort(key=lambda t: (t != actor.name.lower(), not t.isascii()))
        return tuple(dict.fromkeys(t for t in terms if t))[:MAX_SEARCH_TERMS]

    def non_state(self, name: str) -> bool:
        """Whether a canonical name is a non-state armed actor's."""
        actor = self._actors.get(name)
        return actor is not None and actor.non_state

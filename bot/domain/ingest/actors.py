"""Who acts in a sentence: armed groups, forces by nationality, media and acting states."""

from __future__ import annotations

import re
from collections import Counter

from bot.domain.actors.model import NOT_IN_ARTICLES
from bot.domain.actors.registry import ActorRegistry
from bot.domain.ingest import lexicon as lx
from bot.domain.ingest.candidates import Context
from bot.domain.ingest.text import Sentence

DEMONYM_SUFFIX = re.compile(r"(?:an|ans|ian|ians|i|is|ik|iks|ek|eks|ese|ish)$", re.I)
_STATE_NOT_ACTOR = re.compile(
    r"\b(?:in|into|inside|at|across|from|to|toward|towards|near|with|between|connecting|"
    r"outside|of\s+\w+'s)\s+(?:the\s+)?$",
    re.I,
)


def home_group(sentences: list[Sentence], registry: ActorRegistry) -> str | None:
    """The armed non-state group the article names most (the insurgents it calls "the group")."""
    counts: Counter[str] = Counter()
    for s in sentences:
        for m in registry.find_in_text(s.text, skip_kinds=NOT_IN_ARTICLES):
            if m.actor.non_state:
                counts[m.actor.name] += 1
    return counts.most_common(1)[0][0] if counts else None


def group_spokesman(registry: ActorRegistry, text: str) -> bool:
    """Whether a named armed group's spokesman speaks in the text ("a Taliban spokesman said")."""
    for m in registry.find_in_text(text, skip_kinds=NOT_IN_ARTICLES):
        if m.actor.non_state and lx.SPOKESMAN_RE.match(text, m.end):
            return True
    return False


def actors(ctx: Context, clause: str, verb_at: int, sentence: str) -> list[str]:
    """Actors named in a clause: groups, forces by nationality, media, and acting states."""
    named = _registry_actors(ctx, clause)
    found = [
        *_group_actors(ctx, clause, named),
        *_demonym_actors(ctx, clause, named),
        *_state_actors(ctx, clause, verb_at),
    ]
    out: list[str] = []
    for _, name in sorted(found):
        if name not in out:
            out.append(name)
    if "U.S. Central Command" in out and "U.S. forces" not in out and "troops" in sentence:
        out.append("U.S. forces")
    return out


def _registry_actors(ctx: Context, clause: str) -> list[tuple[int, int, str]]:
    """Actors of the registry named in a clause, with their spans."""
    return [
        (m.start, m.end, m.actor.name)
        for m in ctx.actors.find_in_text(clause, skip_kinds=NOT_IN_ARTICLES)
    ]


def _group_actors(
    ctx: Context, clause: str, named: list[tuple[int, int, str]]
) -> list[tuple[int, str]]:
    """Named actors, generic role words ("government forces") outside them, and "the insurgents"
    standing for the article's main group."""
    found = [(start, name) for start, _end, name in named]
    for pattern, label in lx.GENERIC_ACTORS:
        for m in pattern.finditer(clause):
            if not _inside(m.start(), m.end(), named):
                found.append((m.start(), label))
    if ctx.home_group:
        for m in lx.INSURGENT_RE.finditer(clause):
            found.append((m.start(), ctx.home_group))
    return found


def _countries_in(ctx: Context, clause: str) -> list[re.Match[str]]:
    """Capitalised names in a clause that are a country's name (not a demonym), in order."""
    out: list[re.Match[str]] = []
    for run in lx.CAPITALISED_RUN_RE.finditer(clause):
        if ctx.gazetteer.country_named(run.group(1)) is not None:
            out.append(run)
            continue
        for word in lx.CAPITALISED_WORD_RE.finditer(clause, run.start(), run.end()):
            if ctx.gazetteer.country_named(word.group(1)) is not None:
                out.append(word)
    return out


def _inside(start: int, end: int, spans: list[tuple[int, int, str]]) -> bool:
    """Whether a span overlaps one of the named actors' spans."""
    return any(start < e and end > s for s, e, _ in spans)


def _demonym_actors(
    ctx: Context, clause: str, named: list[tuple[int, int, str]]
) -> list[tuple[int, str]]:
    """Forces, governments, militias and media named by nationality ("Afghan soldiers"), unless
    the registry names them ("Israeli troops" is the Israel Defense Forces)."""
    found: list[tuple[int, str]] = []
    for m in lx.DEMONYM_ACTOR_RE.finditer(clause):
        if _inside(m.start(), m.end(), named):
            continue
        word, noun = m.group(1), m.group(2).lower()
        if word in ("The", "Government", "Security") or noun.startswith("official"):
            continue
        country = ctx.gazetteer.country_for_word(word)
        if country is None and not DEMONYM_SUFFIX.search(word):
            continue
        found.append((m.start(), _demonym_label(word, noun)))
    return found


def _demonym_label(word: str, noun: str) -> str:
    """How a nationality actor is named: "X media", "X government", "X militia" or "X forces"."""
    if noun.endswith("media"):
        return f"{word} {noun}"
    if noun in ("government", "authorities"):
        return f"{word} government"
    if "militia" in noun:
        return f"{word} militia"
    return f"{word} forces"


def _state_actors(ctx: Context, clause: str, verb_at: int) -> list[tuple[int, str]]:
    """States named before the verb as its subject (not "in Iran", not "Iran's border"): any
    country the gazetteer knows by that name, not a list of neighbours."""
    found: list[tuple[int, str]] = []
    acting = True
    for m in _countries_in(ctx, clause):
        between = clause[: m.start()]
        joined = re.search(r"(?:,|\band)\s*$", between) is not None
        if not joined:
            acting = _STATE_NOT_ACTOR.search(between) is None
        if acting and m.start() < verb_at and not clause[m.end() : m.end() + 2].startswith("'"):
            found.append((m.start(), m.group(1)))
    return found

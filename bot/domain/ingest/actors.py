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


_PRONOUNS = frozenset("it they them he she we its their this these those who which".split())
_QUANTITY_WORDS = frozenset(
    "at least more than about some nearly over up to several many dozens hundreds thousands "
    "scores a an the".split()
)
MAX_ACTOR_WORDS = 5
_PEOPLE_RE = re.compile(
    r"\b(?:soldiers?|troops?|forces?|fighters?|militants?|rebels?|insurgents?|police|officers?|"
    r"guards?|gunmen|attackers?|militias?|army|military|government|authorities|protesters?|"
    r"demonstrators?|residents|people|civilians?|villagers|farmers|crowds?|rioters?|gangs?|"
    r"groups?|jihadists?|commandos?|aircraft|warplanes?|navy|coalition|alliance|"
    r"(?:security|intelligence) services?|ministry|agency)\b",
    re.I,
)


def name_actor(ctx: Context, words: str) -> str | None:
    """How an actor's words are filed: a registry name, "<Nationality> forces", the article's
    own armed group for "the insurgents", a state, or the words themselves, trimmed."""
    words = words.strip(" ,.;:'\"")
    if not words or words.lower() in _PRONOUNS:
        return None
    named = _registry_actors(ctx, words)
    if named:
        return named[0][2]
    demonym = _demonym_actors(ctx, words, [])
    if demonym:
        return demonym[0][1]
    for pattern, label in lx.GENERIC_ACTORS:
        if pattern.search(words):
            return label
    if ctx.home_group and lx.INSURGENT_RE.search(words):
        return ctx.home_group
    state = ctx.gazetteer.country_named(words)
    if state is not None:
        return state.name
    if _PEOPLE_RE.search(words) is None:
        return None  # "prices", "two explosions", "the Torkham crossing": not someone
    kept = [w for w in words.split() if w.lower() not in _QUANTITY_WORDS and not w[0].isdigit()]
    kept = [w for w in kept if w.lower() not in _PRONOUNS and w.lower() != "of"]
    if not kept:
        return None
    return " ".join(kept[-MAX_ACTOR_WORDS:])

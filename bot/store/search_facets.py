"""Structured facets of an event search (event type, actor roles …) as SQL predicates.

Both search statements (SQLite's hand-written one and PostgreSQL's SQLAlchemy one) add these
to their place and date predicates, so a facet means the same on either store.

* Merged events (``merged_into`` set: the same happening told by another source) are never
  listed on their own; the event they were merged into stands for them.
* Kinds: an event matches when its event type or sub-type is one asked for; an event with no
  sub-type (an article typed coarsely or not at all) also when its summary has a kind word.
* Actors, each in a role: actor 1 (who acted), actor 2 (who was acted on) or either. A name
  matches at the start of a word of the actor field ("militia" finds "Militia of the North" but
  not "Anti-Militia Front", a country's name not "Civilians (<country>)"). Events whose actor
  fields are empty (no roles known) fall back on their actors list and summary.
* Lethal: reported fatalities above zero; when the count is unknown, "killed" words in the text.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, false, func, literal, or_

from bot.domain.events.filters import ActorFacet, EventFilter
from bot.store.models.events import EventRow

LETHAL_WORDS = ("killed", "dead", "died", "killing", "deaths")
MAX_NAMES = 24  # names per actor, words per kind list: bounded statements


def _like(word: str) -> str:
    """A LIKE pattern: the word at the start of a word (the text is prefixed with a space)."""
    esc = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {esc}%"


def _usable(names: tuple[str, ...]) -> list[str]:
    """Names worth a LIKE: at least three characters (short aliases like "is" find anything),
    none that begins with another (that one finds it already), Latin script first."""
    out = sorted({n.strip().lower() for n in names if len(n.strip()) >= 3}, key=len)
    kept: list[str] = []
    for name in out:
        if not any(name.startswith(k) for k in kept):
            kept.append(name)
    kept.sort(key=lambda n: not n.isascii())
    return kept[:MAX_NAMES]


# ---------------------------------------------------------------------------- SQLite


def _sq_any(expr: str, words: list[str]) -> tuple[str, list[Any]]:
    """`expr` (text) has any of the words at a word start; "0" when no word.

    No lower(): SQLite's LIKE already ignores the case of ASCII letters, and its lower() folds
    only those, so the result is the same without a lowered copy of the text per word.
    """
    if not words:
        return "0", []
    parts = [f"(' ' || {expr}) LIKE ? ESCAPE '\\'" for _ in words]
    return "(" + " OR ".join(parts) + ")", [_like(w) for w in words]


def _sq_actor(facet: ActorFacet, a: str) -> tuple[str, list[Any]]:
    names = _usable(facet.names)
    coded = _usable(facet.names + facet.coded_names)
    field = {
        "1": f"{a}.actor1_text",
        "2": f"{a}.actor2_text",
        "any": f"({a}.actor1_text || ' ' || {a}.actor2_text)",
    }[facet.role]
    typed, p1 = _sq_any(field, coded)
    loose, p2 = _sq_any(f"({a}.actors_text || ' ' || {a}.summary)", names)
    roles_unknown = f"{a}.actor1_text = '' AND {a}.actor2_text = ''"
    return f"({typed} OR ({roles_unknown} AND {loose}))", p1 + p2


def _sq_kinds(flt: EventFilter, a: str) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if flt.event_types:
        parts.append(f"{a}.event_type IN ({','.join('?' * len(flt.event_types))})")
        params += list(flt.event_types)
    if flt.sub_event_types:
        parts.append(f"{a}.sub_event_type IN ({','.join('?' * len(flt.sub_event_types))})")
        params += list(flt.sub_event_types)
    words = _usable(flt.kind_words)
    if words:
        text, p = _sq_any(f"{a}.summary", words)
        parts.append(f"({a}.sub_event_type = '' AND {text})")
        params += p
    return "(" + " OR ".join(parts or ["0"]) + ")", params


def sqlite_facet_conds(flt: EventFilter, alias: str = "e") -> tuple[list[str], list[Any]]:
    """WHERE parts (qmark parameters) for the filter's facets on the events alias."""
    conds = [f"{alias}.merged_into IS NULL"]
    params: list[Any] = []
    if flt.has_kinds:
        cond, p = _sq_kinds(flt, alias)
        conds.append(cond)
        params += p
    for facet in flt.actors:
        cond, p = _sq_actor(facet, alias)
        conds.append(cond)
        params += p
    if flt.lethal:
        text, p = _sq_any(f"{alias}.summary", list(LETHAL_WORDS))
        conds.append(f"({alias}.fatalities > 0 OR ({alias}.fatalities IS NULL AND {text}))")
        params += p
    return conds, params


# ---------------------------------------------------------------------------- PostgreSQL


def _regex_literal(word: str) -> str:
    """The word as a literal in a PostgreSQL regular expression (punctuation escaped)."""
    return _NOT_WORD.sub(r"\\\1", word.lower())


_NOT_WORD = re.compile(r"([^\w\s])")


def _pg_any(expr: SQLColumnExpression[Any], words: list[str]) -> ColumnElement[bool]:
    """`expr` has any of the words at a word start: one lowered copy of the text and one
    regular expression of literal alternatives (" word1| word2"), not a lowered copy and a
    LIKE per word, which cost PostgreSQL most of a candidate's time (and the plan's)."""
    if not words:
        return false()
    spaced = func.lower(literal(" ") + expr)
    return spaced.op("~")("(" + "|".join(" " + _regex_literal(w) for w in words) + ")")


def _pg_actor(facet: ActorFacet) -> ColumnElement[bool]:
    names = _usable(facet.names)
    coded = _usable(facet.names + facet.coded_names)
    e = EventRow
    field: SQLColumnExpression[Any] = {
        "1": e.actor1_text,
        "2": e.actor2_text,
        "any": e.actor1_text + " " + e.actor2_text,
    }[facet.role]
    roles_unknown = and_(e.actor1_text == "", e.actor2_text == "")
    loose = _pg_any(e.actors_text + " " + e.summary, names)
    return or_(_pg_any(field, coded), and_(roles_unknown, loose))


def _pg_kinds(flt: EventFilter) -> ColumnElement[bool]:
    e = EventRow
    parts: list[ColumnElement[bool]] = []
    if flt.event_types:
        parts.append(e.event_type.in_(flt.event_types))
    if flt.sub_event_types:
        parts.append(e.sub_event_type.in_(flt.sub_event_types))
    words = _usable(flt.kind_words)
    if words:
        parts.append(and_(e.sub_event_type == "", _pg_any(e.summary, words)))
    return or_(*parts) if parts else false()


def pg_facet_conds(flt: EventFilter) -> list[ColumnElement[bool]]:
    """SQLAlchemy conditions for the filter's facets."""
    e = EventRow
    conds: list[ColumnElement[bool]] = [e.merged_into.is_(None)]
    if flt.has_kinds:
        conds.append(_pg_kinds(flt))
    conds += [_pg_actor(facet) for facet in flt.actors]
    if flt.lethal:
        text = _pg_any(e.summary, list(LETHAL_WORDS))
        conds.append(or_(e.fatalities > 0, and_(e.fatalities.is_(None), text)))
    return conds

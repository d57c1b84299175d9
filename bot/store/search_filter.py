"""What an event search asks for: the filter, its order, and full-text terms cleaned for the index.

The filter and the order are the domain's (`bot.domain.events.filters`). Shared by the SQLite
and PostgreSQL searches (`bot.store.search_sqlite`, `bot.store.search_pg`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

__all__ = [
    "EVENT_SPAN_LIMIT",
    "MAX_TERMS",
    "Fetch",
    "any_terms",
    "clean_groups",
    "clean_term",
    "fts5_query",
]

_TERM_CLEAN = re.compile(r"[^\w]+", re.UNICODE)
MAX_TERMS = 64  # alternatives across all groups; the rest are dropped

# Days an event may span and still be found by a window that starts after its first day: month
# precision and ranges of up to a month ("early July"). Longer spans (a year, "since 2019") are
# found by windows that include their start. This bound keeps index walks short when few
# events match.
EVENT_SPAN_LIMIT = 31

# Runs one driver-level statement (qmark parameters) and returns all its rows.
Fetch = Callable[[str, Sequence[Any]], Awaitable[Sequence[Sequence[Any]]]]


def clean_term(term: str) -> str:
    """A term reduced to words (no full-text operators, quotes or punctuation survive)."""
    return " ".join(_TERM_CLEAN.sub(" ", term).split()).lower()


def clean_groups(groups: Sequence[Sequence[str]]) -> list[list[str]]:
    """Groups of cleaned, de-duplicated terms (empty groups dropped, MAX_TERMS in all)."""
    out: list[list[str]] = []
    budget = MAX_TERMS
    for group in groups:
        terms = sorted({t for t in (clean_term(x) for x in group) if t})[:budget]
        budget -= len(terms)
        if terms:
            out.append(terms)
    return out


def fts5_query(groups: Sequence[Sequence[str]], match_all: bool) -> str | None:
    """An FTS5 MATCH expression: each term a quoted phrase, groups of alternatives AND/OR'ed."""
    parts = ["(" + " OR ".join(f'"{t}"' for t in terms) + ")" for terms in clean_groups(groups)]
    if not parts:
        return None
    return (" AND " if match_all else " OR ").join(parts)


def any_terms(groups: Sequence[Sequence[str]]) -> bool:
    """Whether any group has a usable term."""
    return any(clean_term(t) for g in groups for t in g)

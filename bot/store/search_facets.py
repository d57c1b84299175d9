"""Structured facets of an event search (event type, actor roles …) as SQL predicates.

Both search statements (SQLite's hand-written one and PostgreSQL's SQLAlchemy one) add these
to their place and date predicates, so a facet means the same on either store.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from bot.domain.events.filters import EventFilter


def sqlite_facet_conds(flt: EventFilter, alias: str = "e") -> tuple[list[str], list[Any]]:
    """WHERE parts (qmark parameters) for the filter's facets on the events alias."""
    del flt, alias
    return [], []


def pg_facet_conds(flt: EventFilter) -> list[ColumnElement[bool]]:
    """SQLAlchemy conditions for the filter's facets."""
    del flt
    return []

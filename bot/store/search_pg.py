"""Event search on PostgreSQL: built with SQLAlchemy against the stored vector and its GIN index.

Events keep their text-search vector in `events.search_vector` (migration 0010: set by a
trigger, GIN-indexed, configuration `sitrep_search`, which splits, folds and stems words as
SQLite's FTS5 tokenizer does). Each term is a phrase query; a group matches when any of its
phrases does, and the groups are AND'ed (match_all) or OR'ed into one tsquery, so the whole
text condition is one GIN-indexable `@@`. The planner then picks the GIN bitmap or a walk of the
(place, status, date) or date index newest first; either way the vector is read, never
recomputed.

Any-term searches are ranked by `ts_rank` over a capped candidate set: the newest RANK_CAP
matches within the place and date filters (the cap SQLite's bm25 ranking uses), never every
match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.events.filters import EventFilter, Order
from bot.store.models.events import EventRow
from bot.store.search_facets import pg_facet_conds
from bot.store.search_filter import EVENT_SPAN_LIMIT, clean_groups
from bot.store.search_plan import RANK_CAP

PG_CONFIG = "sitrep_search"  # the text-search configuration of migration 0010
_CONFIG: ColumnElement[Any] = literal_column(f"'{PG_CONFIG}'::regconfig")
# The stored vector: no model maps it (migration 0010's trigger keeps it; bot.store.migrate).
SEARCH_VECTOR: ColumnElement[Any] = literal_column("events.search_vector", type_=TSVECTOR)

__all__ = ["PG_CONFIG", "SEARCH_VECTOR", "pg_search_ids", "pg_search_statement", "pg_tsquery"]


def pg_tsquery(groups: Sequence[Sequence[str]], match_all: bool) -> ColumnElement[Any] | None:
    """One tsquery for term groups: phrases OR'ed within a group, groups AND'ed or OR'ed."""
    grouped: list[ColumnElement[Any]] = []
    for terms in clean_groups(groups):
        # Underscores are word characters to Python but punctuation to both stores' tokenizers.
        phrases = [func.phraseto_tsquery(_CONFIG, t.replace("_", " ")) for t in terms]
        query: ColumnElement[Any] = phrases[0]
        for phrase in phrases[1:]:
            query = query.op("||")(phrase)
        grouped.append(query)
    if not grouped:
        return None
    combined: ColumnElement[Any] = grouped[0]
    for query in grouped[1:]:
        combined = combined.op("&&" if match_all else "||")(query)
    return combined


def _pg_structured(flt: EventFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [EventRow.status.in_(flt.statuses)]
    if flt.place_keys is not None:
        conds.append(EventRow.place_key.in_(sorted(flt.place_keys)))
    if flt.last is not None:
        conds.append(EventRow.date_start <= flt.last)
    if flt.first is not None:
        conds.append(EventRow.date_last >= flt.first)
        conds.append(EventRow.date_start >= flt.first - timedelta(days=EVENT_SPAN_LIMIT))
    return conds + pg_facet_conds(flt)


def _ordering(order: Order, source: Any = None) -> list[ColumnElement[Any]]:
    """The date indexes' order (newest or oldest first), ties by id, so paging is stable."""
    cols = source.c if source is not None else EventRow
    keys = [cols.date_start, cols.date_last, cols.id]
    return [k.desc() if order == "newest" else k.asc() for k in keys]


def pg_search_statement(
    flt: EventFilter, *, limit: int, offset: int = 0, order: Order = "newest"
) -> Select[Any] | None:
    """The statement pg_search_ids runs; None when nothing can match."""
    if flt.place_keys is not None and not flt.place_keys:
        return None
    conds = _pg_structured(flt)
    if not flt.term_groups:
        return (
            select(EventRow.id)
            .where(*conds)
            .order_by(*_ordering(order))
            .limit(limit)
            .offset(offset)
        )
    query = pg_tsquery(flt.term_groups, flt.match_all)
    if query is None:
        return None
    matches = SEARCH_VECTOR.op("@@")(query)
    if flt.match_all:
        return (
            select(EventRow.id)
            .where(*conds, matches)
            .order_by(*_ordering(order))
            .limit(limit)
            .offset(offset)
        )
    # Any term: the newest RANK_CAP matches (index order, so the scan can stop there), ranked.
    candidates = (
        select(EventRow.id, EventRow.date_start, EventRow.date_last, SEARCH_VECTOR.label("vector"))
        .where(*conds, matches)
        .order_by(*_ordering("newest"))
        .limit(RANK_CAP)
        .subquery("candidates")
    )
    rank = func.ts_rank(candidates.c.vector, query)
    return (
        select(candidates.c.id)
        .order_by(rank.desc(), *_ordering(order, candidates))
        .limit(limit)
        .offset(offset)
    )


async def pg_search_ids(
    session: AsyncSession, flt: EventFilter, *, limit: int, offset: int, order: Order
) -> list[int]:
    """Ids of matching events on PostgreSQL (stored vector, GIN-indexed)."""
    stmt = pg_search_statement(flt, limit=limit, offset=offset, order=order)
    if stmt is None:
        return []
    return list((await session.scalars(stmt)).all())

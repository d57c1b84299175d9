"""Event search on PostgreSQL: built with SQLAlchemy against the GIN expression index.

The index covers a tsvector of the event's text (PG_DOCUMENT); terms become phrase queries,
and phrases that lose stop words are also checked as written once the index has narrowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.events.filters import EventFilter, Order
from bot.store.models.events import EventRow
from bot.store.search_facets import pg_facet_conds
from bot.store.search_filter import EVENT_SPAN_LIMIT, clean_groups

PG_DOCUMENT = (
    "to_tsvector('english', coalesce(events.summary, '') || ' ' || coalesce(events.actors_text, '')"
    " || ' ' || coalesce(events.event_type, '') || ' ' || coalesce(events.place_text, ''))"
)

# English stop words PostgreSQL drops from phrases: "crossed into" would shrink to "cross" and
# match every "crossing", so such phrases are also checked as written (after the index narrows).
_PG_STOPWORDS = frozenset(
    "a an and as at by for from in into of off on onto or out over the to up down us s".split()
)


def _pg_loses_words(term: str) -> bool:
    words = term.split()
    return len(words) > 1 and any(w in _PG_STOPWORDS for w in words)


def _pg_condition(
    groups: Sequence[Sequence[str]], match_all: bool
) -> tuple[ColumnElement[bool], ColumnElement[Any]] | None:
    """The GIN-indexed condition for term groups, and one tsquery of every term for ranking."""
    document: ColumnElement[Any] = literal_column(PG_DOCUMENT)
    text = func.lower(EventRow.summary + " " + EventRow.actors_text)
    group_conds: list[ColumnElement[bool]] = []
    queries: list[ColumnElement[Any]] = []
    for terms in clean_groups(groups):
        alts: list[ColumnElement[bool]] = []
        for term in terms:
            query = func.phraseto_tsquery("english", term)
            queries.append(query)
            cond: ColumnElement[bool] = document.op("@@")(query)
            if _pg_loses_words(term):
                cond = and_(cond, text.contains(term, autoescape=True))
            alts.append(cond)
        group_conds.append(or_(*alts))
    if not group_conds:
        return None
    rank_query: ColumnElement[Any] = queries[0]
    for alt_query in queries[1:]:
        rank_query = rank_query.op("||")(alt_query)
    combined = and_(*group_conds) if match_all else or_(*group_conds)
    return combined, rank_query


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


async def pg_search_ids(
    session: AsyncSession, flt: EventFilter, *, limit: int, offset: int, order: Order
) -> list[int]:
    """Ids of matching events on PostgreSQL (GIN-indexed full-text condition)."""
    if flt.place_keys is not None and not flt.place_keys:
        return []
    if order == "newest":
        ordering: list[ColumnElement[Any]] = [
            EventRow.date_start.desc(),
            EventRow.date_last.desc(),
            EventRow.id.desc(),
        ]
    else:
        ordering = [EventRow.date_start.asc(), EventRow.date_last.asc(), EventRow.id.asc()]
    stmt = select(EventRow.id).where(*_pg_structured(flt))
    if flt.term_groups:
        built = _pg_condition(flt.term_groups, flt.match_all)
        if built is None:
            return []
        condition, rank_query = built
        stmt = stmt.where(condition)
        if not flt.match_all:
            document: ColumnElement[Any] = literal_column(PG_DOCUMENT)
            ordering.insert(0, func.ts_rank(document, rank_query).desc())
    stmt = stmt.order_by(*ordering).limit(limit).offset(offset)
    return list((await session.scalars(stmt)).all())

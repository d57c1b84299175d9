"""Event retrieval through the full-text index (SQLite FTS5, PostgreSQL tsvector + GIN)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, column, func, literal_column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.event_models import EventRow

PG_DOCUMENT = (
    "to_tsvector('english', coalesce(events.summary, '') || ' ' || coalesce(events.actors_text, '')"
    " || ' ' || coalesce(events.event_type, '') || ' ' || coalesce(events.place_text, ''))"
)
_TERM_CLEAN = re.compile(r"[^\w]+", re.UNICODE)

Order = Literal["newest", "oldest"]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What to retrieve: published events within places, dates and full-text term groups."""

    place_keys: frozenset[str] | None = None
    first: date | None = None
    last: date | None = None
    term_groups: tuple[tuple[str, ...], ...] = ()
    match_all: bool = True  # every group must match (else: any group, ranked by relevance)
    statuses: tuple[str, ...] = ("published",)


def clean_term(term: str) -> str:
    """A term reduced to words (no full-text operators, quotes or punctuation survive)."""
    return " ".join(_TERM_CLEAN.sub(" ", term).split()).lower()


def fts5_query(groups: Sequence[Sequence[str]], match_all: bool) -> str | None:
    """An FTS5 MATCH expression: each term a quoted phrase, groups of alternatives AND/OR'ed."""
    parts = []
    for group in groups:
        terms = sorted({t for t in (clean_term(x) for x in group) if t})
        if terms:
            parts.append("(" + " OR ".join(f'"{t}"' for t in terms) + ")")
    if not parts:
        return None
    return (" AND " if match_all else " OR ").join(parts)


def _pg_tsquery(groups: Sequence[Sequence[str]], match_all: bool) -> ColumnElement[Any] | None:
    group_exprs: list[ColumnElement[Any]] = []
    for group in groups:
        terms = sorted({t for t in (clean_term(x) for x in group) if t})
        alts = [func.phraseto_tsquery("english", t) for t in terms]
        if not alts:
            continue
        expr = alts[0]
        for alt in alts[1:]:
            expr = expr.op("||")(alt)
        group_exprs.append(expr)
    if not group_exprs:
        return None
    combined = group_exprs[0]
    for expr in group_exprs[1:]:
        combined = combined.op("&&" if match_all else "||")(expr)
    return combined


def _structured(flt: EventFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [EventRow.status.in_(flt.statuses)]
    if flt.place_keys is not None:
        conds.append(EventRow.place_key.in_(sorted(flt.place_keys)))
    if flt.last is not None:
        conds.append(EventRow.date_start <= flt.last)
    if flt.first is not None:
        conds.append(EventRow.date_last >= flt.first)
    return conds


async def search_event_ids(
    session: AsyncSession,
    flt: EventFilter,
    *,
    limit: int,
    offset: int = 0,
    order: Order = "newest",
) -> list[int]:
    """Ids of matching events; with terms, the full-text index is used, never a scan of text."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    conds = _structured(flt)
    if order == "newest":
        ordering = [EventRow.date_start.desc(), EventRow.id.desc()]
    else:
        ordering = [EventRow.date_start.asc(), EventRow.id.asc()]
    if not flt.term_groups:
        stmt = select(EventRow.id).where(and_(*conds)).order_by(*ordering)
        return list((await session.scalars(stmt.limit(limit).offset(offset))).all())
    if dialect == "sqlite":
        match = fts5_query(flt.term_groups, flt.match_all)
        if match is None:
            return []
        fts = table("events_fts", column("rowid"))
        rank = literal_column("bm25(events_fts)")
        stmt = (
            select(EventRow.id)
            .select_from(fts)
            .join(EventRow, EventRow.id == fts.c.rowid)
            .where(literal_column("events_fts").op("MATCH")(match), *conds)
        )
        # FTS MATCH drives the join (CROSS JOIN order), the structured filters narrow after.
        stmt = stmt.order_by(*ordering) if flt.match_all else stmt.order_by(rank, *ordering)
        return list((await session.scalars(stmt.limit(limit).offset(offset))).all())
    query = _pg_tsquery(flt.term_groups, flt.match_all)
    if query is None:
        return []
    document = literal_column(PG_DOCUMENT)
    stmt = select(EventRow.id).where(document.op("@@")(query), *conds)
    if flt.match_all:
        stmt = stmt.order_by(*ordering)
    else:
        stmt = stmt.order_by(func.ts_rank(document, query).desc(), *ordering)
    return list((await session.scalars(stmt.limit(limit).offset(offset))).all())


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far the stored records for an area reach."""

    count: int
    first: date | None
    last: date | None


async def coverage(session: AsyncSession, place_keys: frozenset[str] | None) -> Coverage:
    """Count and date range of published events within places (all places when None)."""
    stmt = select(
        func.count(EventRow.id), func.min(EventRow.date_start), func.max(EventRow.date_last)
    ).where(EventRow.status == "published")
    if place_keys is not None:
        stmt = stmt.where(EventRow.place_key.in_(sorted(place_keys)))
    count, first, last = (await session.execute(stmt)).one()
    return Coverage(int(count or 0), first, last)


def any_terms(groups: Sequence[Sequence[str]]) -> bool:
    """Whether any group has a usable term."""
    return any(clean_term(t) for g in groups for t in g)


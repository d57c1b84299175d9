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

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Select,
    String,
    Table,
    bindparam,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy import cast as sa_cast
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.util import ClauseAdapter

from bot.domain.events.filters import EventFilter, Order
from bot.store.models.events import EventRow
from bot.store.search_facets import pg_facet_conds
from bot.store.search_filter import EVENT_SPAN_LIMIT, clean_groups
from bot.store.search_pg_plan import PG_CAP, PgDrive, PgPlan, choose_pg_plan
from bot.store.search_plan import RANK_CAP, StatsCache

EVENTS = cast(Table, EventRow.__table__)

PG_CONFIG = "sitrep_search"  # the text-search configuration of migration 0010
_CONFIG: ColumnElement[Any] = literal_column(f"'{PG_CONFIG}'::regconfig")
# The stored vector: no model maps it (migration 0010's trigger keeps it; bot.store.migrate).
SEARCH_VECTOR: ColumnElement[Any] = literal_column("events.search_vector", type_=TSVECTOR)
STATEMENT_CACHE = 256  # built statements kept (each question's few, for its repeats and pages)
PER_PLACE_WALKS = 64  # places walked one by one and merged (more: one scan of the list)

__all__ = [
    "PG_CONFIG",
    "SEARCH_VECTOR",
    "pg_plan",
    "pg_search_ids",
    "pg_search_statement",
    "pg_tsquery",
]


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


def in_places(keys: frozenset[str]) -> ColumnElement[bool]:
    """The place among the keys: `= any((SELECT array))`, one array parameter the planner does
    not look into. A country's thousands of keys as an IN list (or a constant array) cost
    PostgreSQL more to plan than to run (each key is estimated against the column's
    statistics), and their estimate made it scan the table instead of probing the index."""
    if len(keys) == 1:  # an equality: the index then gives its events in date order
        return EventRow.place_key == next(iter(keys))
    keys_array = sa_cast(bindparam(None, sorted(keys), type_=ARRAY(String)), ARRAY(String))
    # The cast keeps `any` an array expression (a bare subquery would be ANY (subquery)).
    array = sa_cast(select(keys_array).scalar_subquery(), ARRAY(String))
    return EventRow.place_key == func.any(array)


def _pg_structured(flt: EventFilter) -> list[ColumnElement[bool]]:
    return _pg_indexed(flt) + pg_facet_conds(flt)


def _pg_indexed(flt: EventFilter) -> list[ColumnElement[bool]]:
    """Status, place and date: what the (place, status, date) and date indexes serve."""
    conds: list[ColumnElement[bool]] = [EventRow.status.in_(flt.statuses)]
    if flt.place_keys is not None:
        conds.append(in_places(flt.place_keys))
    if flt.last is not None:
        conds.append(EventRow.date_start <= flt.last)
    if flt.first is not None:
        conds.append(EventRow.date_last >= flt.first)
        conds.append(EventRow.date_start >= flt.first - timedelta(days=EVENT_SPAN_LIMIT))
    return conds


def _window_rows(
    flt: EventFilter, query: ColumnElement[Any], order: Order, window: int
) -> Select[Any]:
    """The walk within the first `window` events by place and date in the page's order: the
    limited subquery can only be read through the ordered index, lazily, so the walk stops at
    the page (PostgreSQL, which cannot estimate the facets, would else often read every text
    match through the GIN index and sort them)."""
    recent = (
        select(*EVENTS.c, SEARCH_VECTOR.label("vector"))
        .where(*_pg_indexed(flt))
        .order_by(*_ordering(order))
        .limit(window)
        .subquery("recent")
    )
    adapter = ClauseAdapter(recent)
    rest = [adapter.traverse(c) for c in pg_facet_conds(flt)]
    return select(recent.c.id, recent.c.date_start, recent.c.date_last, recent.c.vector).where(
        *rest, recent.c.vector.op("@@")(query)
    )


def _ordering(order: Order, source: Any = None) -> list[ColumnElement[Any]]:
    """The date indexes' order (newest or oldest first), ties by id, so paging is stable."""
    cols = source.c if source is not None else EventRow
    keys = [cols.date_start, cols.date_last, cols.id]
    return [k.desc() if order == "newest" else k.asc() for k in keys]


def _rows(
    flt: EventFilter,
    conds: list[ColumnElement[bool]],
    query: ColumnElement[Any] | None,
    plan: PgPlan,
) -> Select[Any]:
    """Matching events as (id, date_start, date_last, vector), driven as the plan says."""
    if plan.drive == "candidates":
        # Place and date first, through their index (a materialized CTE of only what the index
        # serves: no plan can walk the table, and PostgreSQL, which orders a scan's conditions
        # by its own cost guesses, cannot test a facet's text on every row before the place);
        # then the facets and the stored vectors of just those candidates are tested.
        cand = (
            select(*EVENTS.c, SEARCH_VECTOR.label("vector"))
            .where(*_pg_indexed(flt))
            .cte("candidates")
            .prefix_with("MATERIALIZED")
        )
        adapter = ClauseAdapter(cand)
        rest = [adapter.traverse(c) for c in pg_facet_conds(flt)]
        stmt = select(cand.c.id, cand.c.date_start, cand.c.date_last, cand.c.vector).where(*rest)
        return stmt if query is None else stmt.where(cand.c.vector.op("@@")(query))
    matches = None if query is None else SEARCH_VECTOR.op("@@")(query)
    if plan.drive == "matches" and matches is not None:
        # The GIN index first (only the text condition inside), then place, date and facets.
        found = (
            select(*EVENTS.c, SEARCH_VECTOR.label("vector"))
            .where(matches)
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
        adapter = ClauseAdapter(found)
        return select(found.c.id, found.c.date_start, found.c.date_last, found.c.vector).where(
            *(adapter.traverse(c) for c in conds)
        )
    where = conds if matches is None else [*conds, matches]
    return select(
        EventRow.id, EventRow.date_start, EventRow.date_last, SEARCH_VECTOR.label("vector")
    ).where(*where)


def pg_search_statement(
    flt: EventFilter,
    *,
    limit: int,
    offset: int = 0,
    order: Order = "newest",
    plan: PgPlan | None = None,
    window: int | None = None,
) -> Select[Any] | None:
    """The statement pg_search_ids runs for a plan (default: PostgreSQL's own ordered walk);
    None when nothing can match. With `window` (a walk of all-terms matches), only the first
    `window` events by place and date in order are tested: fewer than `limit` found then
    proves nothing, the caller searches again without it."""
    drive = plan.drive if plan is not None else "walk"
    return _statement(flt, limit, offset, order, drive, window)


@lru_cache(maxsize=STATEMENT_CACHE)
def _statement(
    flt: EventFilter, limit: int, offset: int, order: Order, drive: PgDrive, window: int | None
) -> Select[Any] | None:
    """pg_search_statement, built once per filter and plan: building the expressions (facets
    of many names, thousands of place keys) costs more than running the statement."""
    if flt.place_keys is not None and not flt.place_keys:
        return None
    plan = PgPlan(drive)
    conds = _pg_structured(flt)
    query = pg_tsquery(flt.term_groups, flt.match_all) if flt.term_groups else None
    if flt.term_groups and query is None:
        return None
    keys = flt.place_keys or frozenset()
    if drive == "walk" and query is None and 1 < len(keys) <= PER_PLACE_WALKS:
        return _walk_per_place(flt, limit, offset, order)
    if window is not None and query is not None and flt.match_all:
        rows = _window_rows(flt, query, order, window).subquery("found")
    else:
        rows = _rows(flt, conds, query, plan).subquery("found")
    if query is None or flt.match_all:
        return select(rows.c.id).order_by(*_ordering(order, rows)).limit(limit).offset(offset)
    # Any term: the newest RANK_CAP matches (index order, so the scan can stop there), ranked.
    newest = select(rows).order_by(*_ordering("newest", rows)).limit(RANK_CAP).subquery("newest")
    rank = func.ts_rank(newest.c.vector, query)
    return (
        select(newest.c.id)
        .order_by(rank.desc(), *_ordering(order, newest))
        .limit(limit)
        .offset(offset)
    )


def _walk_per_place(flt: EventFilter, limit: int, offset: int, order: Order) -> Select[Any]:
    """Several places without words: each place's newest (or oldest) events through its own
    stretch of the (place, status, date) index, merged in order (a Merge Append reads about a
    page, where one scan of the place list reads every event of every place and sorts them)."""
    walks = [
        select(EventRow.id, EventRow.date_start, EventRow.date_last)
        .where(*_pg_structured(replace(flt, place_keys=frozenset({key}))))
        .order_by(*_ordering(order))
        .limit(limit + offset)
        for key in sorted(flt.place_keys or ())
    ]
    merged = union_all(*walks).subquery("per_place")
    return select(merged.c.id).order_by(*_ordering(order, merged)).limit(limit).offset(offset)


def _capped_count(*conds: ColumnElement[bool]) -> Select[Any]:
    inner = select(literal(1)).select_from(EVENTS).where(*conds).limit(PG_CAP).subquery()
    return select(func.count()).select_from(inner)


async def _count(
    session: AsyncSession,
    name: str,
    stmt: Select[Any],
    key: tuple[Any, ...],
    cache: StatsCache | None,
    total: int,
) -> int:
    cache_key = (name, key)
    now = time.monotonic()
    found = cache.get(cache_key, total, now) if cache is not None else None
    if found is None:
        found = int((await session.scalar(stmt)) or 0)
        if cache is not None:
            cache.put(cache_key, found, total, now)
    return found


async def pg_plan(
    session: AsyncSession,
    flt: EventFilter,
    stats_cache: StatsCache | None = None,
    total: int | None = None,
) -> PgPlan:
    """Count (capped) the place/date candidates, then if need be the full-text matches.

    `total` is the highest event id (how much the store has grown, for the cached counts),
    read here unless the caller read it already (see eventreads.PG_READ_SETTINGS)."""
    structured = flt.place_keys is not None or flt.first is not None or flt.last is not None
    if not structured and not flt.term_groups:
        return PgPlan("walk")
    if total is None:
        total = int((await session.scalar(select(func.max(EventRow.id)))) or 0)
    candidates = None
    if structured:
        conds: list[ColumnElement[bool]] = [EventRow.status.in_(flt.statuses)]
        if flt.place_keys is not None:
            conds.append(in_places(flt.place_keys))
        if flt.last is not None:
            conds.append(EventRow.date_start <= flt.last)
        if flt.first is not None:
            conds.append(EventRow.date_start >= flt.first - timedelta(days=EVENT_SPAN_LIMIT))
        key = (tuple(sorted(flt.place_keys or ())), flt.first, flt.last, flt.statuses)
        candidates = await _count(
            session, "pg-candidates", _capped_count(*conds), key, stats_cache, total
        )
    if (candidates is not None and candidates < PG_CAP) or not flt.term_groups:
        return choose_pg_plan(candidates, None)
    query = pg_tsquery(flt.term_groups, flt.match_all)
    if query is None:
        return PgPlan("walk", candidates)
    terms = (tuple(tuple(g) for g in clean_groups(flt.term_groups)), flt.match_all)
    matches = await _count(
        session,
        "pg-matches",
        _capped_count(SEARCH_VECTOR.op("@@")(query)),
        terms,
        stats_cache,
        total,
    )
    return choose_pg_plan(candidates, matches)


async def pg_search_ids(
    session: AsyncSession,
    flt: EventFilter,
    *,
    limit: int,
    offset: int,
    order: Order,
    stats_cache: StatsCache | None = None,
    total: int | None = None,
) -> list[int]:
    """Ids of matching events on PostgreSQL (stored vector, GIN-indexed), planned by counts
    (`total`: the highest event id, if the caller read it already)."""
    if flt.place_keys is not None and not flt.place_keys:
        return []
    plan = await pg_plan(session, flt, stats_cache, total)
    if plan.candidates == 0 or plan.matches == 0:
        return []  # no event by place and date, or none with the words: nothing can match
    if plan.drive == "walk" and plan.matches is not None and flt.match_all:
        # Many matches among many candidates: they are dense, so the first PG_CAP events in
        # order nearly always hold the page; only when they do not is the full walk run.
        windowed = pg_search_statement(
            flt, limit=limit, offset=offset, order=order, plan=plan, window=PG_CAP
        )
        if windowed is not None:
            ids = list((await session.scalars(windowed)).all())
            if len(ids) >= limit:
                return ids
    stmt = pg_search_statement(flt, limit=limit, offset=offset, order=order, plan=plan)
    if stmt is None:
        return []
    return list((await session.scalars(stmt)).all())

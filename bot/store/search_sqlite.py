"""Event search on SQLite: one hand-written statement (qmark parameters) per query.

The same statement the benchmark issues through sqlite3. With terms, the plan
(`bot.store.search_plan`) says whether the FTS5 MATCH drives the join or the (place, date)
index is walked in order, each candidate tested against the MATCH.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.domain.events.filters import EventFilter, Order
from bot.store.search_facets import sqlite_facet_conds
from bot.store.search_filter import EVENT_SPAN_LIMIT, Fetch, clean_groups, fts5_query
from bot.store.search_plan import SqlitePlan, StatsCache, plan_for, sqlite_stats_queries

Built = tuple[str, list[Any]]
# A walk per place, merged, only for this many places (SQLite allows 500 terms in a compound
# SELECT) and rows in all; beyond, one statement over the IN list.
PER_PLACE_WALKS = 64
PER_PLACE_ROWS = 20_000
# A walk with a MATCH per candidate tests at most WALK_TERM_ROWS / terms candidates (at least
# WALK_MIN_ROWS) before the matches drive instead (measured at 3M events: 0.1-0.3 ms per
# candidate for one term, 3.4 ms for a question of 29 phrases).
WALK_TERM_ROWS = 256
WALK_MIN_ROWS = 16


def _sqlite_structured(flt: EventFilter, alias: str = "e") -> tuple[list[str], list[Any]]:
    """WHERE parts (qmark) for status, dates and (when one key) place."""
    conds = [f"{alias}.status IN ({','.join('?' * len(flt.statuses))})"]
    params: list[Any] = list(flt.statuses)
    if flt.last is not None:
        conds.append(f"{alias}.date_start <= ?")
        params.append(flt.last.isoformat())
    if flt.first is not None:
        conds.append(f"{alias}.date_last >= ?")
        params.append(flt.first.isoformat())
        # A lower bound on date_start keeps index scans short when few events match.
        conds.append(f"{alias}.date_start >= ?")
        params.append((flt.first - timedelta(days=EVENT_SPAN_LIMIT)).isoformat())
    facet_conds, facet_params = sqlite_facet_conds(flt, alias)
    return conds + facet_conds, params + facet_params


def _marks(n: int) -> str:
    return ",".join("?" * n)


@dataclass(slots=True)
class _Parts:
    """The pieces every shape of the statement is made of."""

    conds: list[str]
    params: list[Any]
    keys: list[str]
    desc: str
    limit: int
    offset: int

    @property
    def e_ordering(self) -> str:
        """Order by the date index's columns, on the events alias."""
        d = self.desc
        return f"e.date_start {d}, e.date_last {d}, e.id {d}"

    @property
    def where(self) -> str:
        """The structured conditions, AND'ed."""
        return " AND ".join(self.conds)


def _fts_driven(p: _Parts, match: str, rank: bool) -> Built:
    """The FTS5 MATCH drives the join (CROSS JOIN keeps that order); filters narrow it."""
    conds = list(p.conds)
    if p.keys:
        conds.append(f"e.place_key IN ({_marks(len(p.keys))})")
    by_rank = "bm25(events_fts), " if rank else ""
    sql = (
        "SELECT e.id FROM events_fts CROSS JOIN events AS e ON e.id = events_fts.rowid "
        f"WHERE events_fts MATCH ? AND {' AND '.join(conds)} "
        f"ORDER BY {by_rank}{p.e_ordering} LIMIT ? OFFSET ?"
    )
    return sql, [match, *p.params, *p.keys, p.limit, p.offset]


def _id_set(p: _Parts, match: str) -> Built:
    """The matching ids collected once; candidates of the index tested against that set."""
    # The unary + keeps the id set a filter: the place/date index still drives, in order.
    conds = [*p.conds, "+e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)"]
    place = f"e.place_key IN ({_marks(len(p.keys))}) AND " if p.keys else ""
    # Several places: their candidates are read through the place index and sorted (what the
    # plan's cost counted); the unary + on the order keeps SQLite from walking the whole date
    # index instead, which it prefers for the ORDER BY … LIMIT whenever the IN list is long.
    ordering = p.e_ordering if len(p.keys) <= 1 else "+" + p.e_ordering
    sql = (
        f"SELECT e.id FROM events AS e WHERE {place}{' AND '.join(conds)} "
        f"ORDER BY {ordering} LIMIT ? OFFSET ?"
    )
    return sql, [*p.keys, *p.params, match, p.limit, p.offset]


def _one_walk(p: _Parts) -> Built:
    """Several places, one walk of the date index."""
    # The unary + keeps the place list a filter, so the date index drives, in order.
    sql = (
        f"SELECT e.id FROM events AS e WHERE +e.place_key IN ({_marks(len(p.keys))}) "
        f"AND {p.where} ORDER BY {p.e_ordering} LIMIT ? OFFSET ?"
    )
    return sql, [*p.keys, *p.params, p.limit, p.offset]


def _single_walk(p: _Parts) -> Built:
    """One place or none: one walk of the (place, date) or date index."""
    place = "e.place_key = ? AND " if p.keys else ""
    sql = (
        f"SELECT e.id FROM events AS e WHERE {place}{p.where} "
        f"ORDER BY {p.e_ordering} LIMIT ? OFFSET ?"
    )
    return sql, [*p.keys, *p.params, p.limit, p.offset]


def _walk_per_place(p: _Parts) -> Built:
    """One index walk per place (each stops after limit + offset rows), merged."""
    k = p.limit + p.offset
    parts = []
    all_params: list[Any] = []
    for key in p.keys:
        parts.append(
            "SELECT * FROM (SELECT e.id AS id, e.date_start AS date_start, "
            "e.date_last AS date_last FROM events AS e "
            f"WHERE e.place_key = ? AND {p.where} ORDER BY {p.e_ordering} LIMIT {k})"
        )
        all_params += [key, *p.params]
    d = p.desc
    ordering = f"date_start {d}, date_last {d}, id {d}"
    sql = f"SELECT id FROM ({' UNION ALL '.join(parts)}) ORDER BY {ordering} LIMIT ? OFFSET ?"
    return sql, [*all_params, p.limit, p.offset]


def _in_list(p: _Parts) -> Built:
    """Many places: one statement over the IN list; SQLite's planner (ANALYZE) picks the index."""
    sql = (
        f"SELECT e.id FROM events AS e WHERE e.place_key IN ({_marks(len(p.keys))}) "
        f"AND {p.where} ORDER BY {p.e_ordering} LIMIT ? OFFSET ?"
    )
    return sql, [*p.keys, *p.params, p.limit, p.offset]


def _bounded_walk(p: _Parts, match: str, budget: int) -> Built:
    """The first `budget` candidates in index order, each tested against its own MATCH."""
    place = f"e.place_key IN ({_marks(len(p.keys))}) AND " if p.keys else ""
    d = p.desc
    inner = (
        "SELECT e.id AS id, e.date_start AS date_start, e.date_last AS date_last "
        f"FROM events AS e WHERE {place}{p.where} ORDER BY {p.e_ordering} LIMIT {int(budget)}"
    )
    sql = (
        f"SELECT c.id FROM ({inner}) AS c WHERE EXISTS (SELECT 1 FROM events_fts "
        "WHERE events_fts MATCH ? AND events_fts.rowid = c.id) "
        f"ORDER BY c.date_start {d}, c.date_last {d}, c.id {d} LIMIT ? OFFSET ?"
    )
    return sql, [*p.keys, *p.params, match, p.limit, p.offset]


def _walk(p: _Parts, match: str | None, plan: SqlitePlan) -> Built:
    """Walk the index in order, each candidate tested against its own MATCH (if any)."""
    if match is not None:
        p.conds.append(
            "EXISTS (SELECT 1 FROM events_fts WHERE events_fts MATCH ? AND events_fts.rowid = e.id)"
        )
        p.params.append(match)
        if plan.one_walk and len(p.keys) > 1:
            return _one_walk(p)
    if len(p.keys) <= 1:
        return _single_walk(p)
    if len(p.keys) > PER_PLACE_WALKS or len(p.keys) * (p.limit + p.offset) > PER_PLACE_ROWS:
        return _in_list(p)  # a walk per place would be too many (or too long) to merge
    return _walk_per_place(p)


def sqlite_query(
    flt: EventFilter,
    *,
    limit: int,
    offset: int = 0,
    order: Order = "newest",
    plan: SqlitePlan | None = None,
    budget: int | None = None,
) -> Built | None:
    """The one SQLite statement (qmark parameters) for a filter; None when nothing can match.

    Without terms, or when the plan says so, events are walked through the (place, date) or
    date index in order and each candidate is tested against the MATCH (stopping at the
    limit); several places are one such walk each, merged. With a set plan the matching ids
    are collected once and candidates are tested against that set. Otherwise the FTS5 MATCH
    drives the join (CROSS JOIN keeps that order) and the structured filters narrow the matches.
    Events are ordered by (date_start, date_last, id), exactly the order of the date indexes, so
    a walk stops after `limit` hits instead of sorting every event of a day.
    """
    if flt.place_keys is not None and not flt.place_keys:
        return None
    match = fts5_query(flt.term_groups, flt.match_all) if flt.term_groups else None
    if flt.term_groups and match is None:
        return None
    plan = plan or SqlitePlan(fts_driven=match is not None)
    conds, params = _sqlite_structured(flt)
    keys = sorted(flt.place_keys) if flt.place_keys is not None else []
    desc = "DESC" if order == "newest" else "ASC"
    parts = _Parts(conds, params, keys, desc, limit, offset)
    if match is not None and plan.fts_driven:
        return _fts_driven(parts, match, rank=not flt.match_all)
    if match is not None and plan.use_set:
        return _id_set(parts, match)
    if match is not None and budget is not None:
        return _bounded_walk(parts, match, budget)
    return _walk(parts, match, plan)


async def _sqlite_stats(
    fetch: Fetch, flt: EventFilter, cache: StatsCache | None
) -> dict[str, int] | None:
    """The planner counts (from the cache when fresh); None when nothing can match."""
    queries = sqlite_stats_queries(flt)
    if not queries:
        return {}
    total_sql, total_params = queries.pop("total")
    total = int((await fetch(total_sql, total_params))[0][0] or 0)
    stats = {"total": total}
    now = time.monotonic()
    for name, (sql, params) in queries.items():
        key = (sql, tuple(params))
        count = cache.get(key, total, now) if cache is not None else None
        if count is None:
            count = int((await fetch(sql, params))[0][0] or 0)
            if cache is not None:
                cache.put(key, count, total, now)
        if count == 0:
            return None  # no candidates, or no full-text matches: nothing can match
        stats[name] = count
    return stats


async def sqlite_search_ids(
    fetch: Fetch,
    flt: EventFilter,
    *,
    limit: int,
    offset: int = 0,
    order: Order = "newest",
    stats_cache: StatsCache | None = None,
) -> list[int]:
    """Ids of matching events on SQLite, each statement run through `fetch` (qmark SQL)."""
    if flt.place_keys is not None and not flt.place_keys:
        return []
    stats = await _sqlite_stats(fetch, flt, stats_cache)
    if stats is None:
        return []
    plan = plan_for(flt, stats, limit + offset)
    budget = walk_budget(flt)
    walking = bool(flt.term_groups) and not plan.fts_driven and not plan.use_set
    if walking and stats.get("struct", 0) > budget:
        # A walk tests each candidate with its own MATCH, which costs more the larger the
        # index and the more terms, and place or time may hold few of the matches however
        # common the words: walk a bounded stretch first, and if the page is not full by then,
        # test the candidates against the set of matching ids instead. A stretch shorter than
        # the page (many terms, or a first page searched as far as its total) cannot fill it:
        # the set is tested straight away.
        if budget >= limit + offset:
            built = sqlite_query(
                flt, limit=limit, offset=offset, order=order, plan=plan, budget=budget
            )
            if built is None:
                return []
            found = [int(row[0]) for row in await fetch(*built)]
            if len(found) >= limit:
                return found
        plan = SqlitePlan(False, plan.fts_matches, plan.candidates, use_set=True)
    built = sqlite_query(flt, limit=limit, offset=offset, order=order, plan=plan)
    if built is None:
        return []
    sql, params = built
    return [int(row[0]) for row in await fetch(sql, params)]


def walk_budget(flt: EventFilter) -> int:
    """Candidates a bounded walk tests before the matches drive: fewer the more terms."""
    terms = sum(len(g) for g in clean_groups(flt.term_groups))
    return max(WALK_MIN_ROWS, WALK_TERM_ROWS // max(terms, 1))


def raw_sqlite_query(flt: EventFilter, stats: dict[str, int], *, limit: int) -> Built:
    """The statement search_event_ids issues on SQLite for a first page (for benchmarks)."""
    built = sqlite_query(flt, limit=limit, plan=plan_for(flt, stats, limit))
    return built if built is not None else ("SELECT 1 WHERE 0", [])

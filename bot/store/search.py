"""Event retrieval through the full-text index (SQLite FTS5, PostgreSQL tsvector + GIN).

Published events are narrowed by place, date and full-text terms, then ordered newest first
(ties by id, so paging is stable). On SQLite the query is hand-written SQL (the same
statement the benchmark issues through sqlite3); on PostgreSQL it is built with SQLAlchemy
against the GIN expression index.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models.events import EventRow

PG_DOCUMENT = (
    "to_tsvector('english', coalesce(events.summary, '') || ' ' || coalesce(events.actors_text, '')"
    " || ' ' || coalesce(events.event_type, '') || ' ' || coalesce(events.place_text, ''))"
)
_TERM_CLEAN = re.compile(r"[^\w]+", re.UNICODE)
MAX_TERMS = 64  # alternatives across all groups; the rest are dropped

Order = Literal["newest", "oldest"]
# Runs one driver-level statement (qmark parameters) and returns all its rows.
Fetch = Callable[[str, Sequence[Any]], Awaitable[Sequence[Sequence[Any]]]]


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


def _clean_groups(groups: Sequence[Sequence[str]]) -> list[list[str]]:
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
    parts = ["(" + " OR ".join(f'"{t}"' for t in terms) + ")" for terms in _clean_groups(groups)]
    if not parts:
        return None
    return (" AND " if match_all else " OR ").join(parts)


# Days an event may span and still be found by a window that starts after its first day: month
# precision and ranges of up to a month ("early July"). Longer spans (a year, "since 2019") are
# found by windows that include their start. This bound keeps index walks short when few
# events match.
EVENT_SPAN_LIMIT = 31
STRUCT_CAP = 20_000  # candidates counted before the structured side is called "large"
FTS_CAP = 20_000  # full-text matches counted before they are called "many"
FTS_ROW_US = 2.0  # cost of joining one full-text match to its event (microseconds, measured)
CHECK_ROW_US = 20.0  # cost of testing one candidate against one MATCH term (measured)
RANK_CAP = 5_000  # any-term matches ranked by bm25 up to this many; beyond, newest first
SET_ROW_US = 0.8  # cost of collecting one full-text match into a set of ids (measured)
ROW_US = 2.0  # cost of reading one event row (its place) during a walk of the date index
SCAN_ROW_US = 1.0  # cost of reading (and sorting) one index candidate checked against that set


@dataclass(frozen=True, slots=True)
class SqlitePlan:
    """How a query with terms runs: from the full-text matches, or from the place/date index.

    From the index, each candidate is tested either with its own MATCH (cheap when few are
    walked) or against the set of matching ids collected once (`use_set`: cheap when the matches
    are not too many but the candidates to walk are).
    """

    fts_driven: bool
    fts_matches: int = 0
    candidates: int = 0
    use_set: bool = False
    one_walk: bool = False  # several places: one walk of the date index, not one per place


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
    return conds, params


def sqlite_stats_queries(flt: EventFilter) -> dict[str, tuple[str, list[Any]]]:
    """The cheap counts the SQLite planner needs (only for queries with terms)."""
    match = fts5_query(flt.term_groups, flt.match_all) if flt.term_groups else None
    if match is None:
        return {}
    out = {
        "fts": (
            "SELECT count(*) FROM (SELECT 1 FROM events_fts WHERE events_fts MATCH ? "
            f"LIMIT {FTS_CAP})",
            [match],
        ),
        "total": ("SELECT coalesce(max(id), 0) FROM events", []),
    }
    if flt.place_keys is not None or flt.first is not None or flt.last is not None:
        # An index-only upper bound: place and date_start only (no status or date_last).
        conds, params = ["1"], []
        if flt.place_keys is not None:
            keys = sorted(flt.place_keys)
            conds.append(f"e.place_key IN ({','.join('?' * len(keys))})")
            params += keys
        if flt.last is not None:
            conds.append("e.date_start <= ?")
            params.append(flt.last.isoformat())
        if flt.first is not None:
            conds.append("e.date_start >= ?")
            params.append((flt.first - timedelta(days=EVENT_SPAN_LIMIT)).isoformat())
        out = {
            "struct": (
                f"SELECT count(*) FROM (SELECT 1 FROM events AS e WHERE {' AND '.join(conds)} "
                f"LIMIT {STRUCT_CAP})",
                params,
            ),
            **out,
        }
    return out


def _one_walk_cost(k: int, total: int, matches: int, candidates: int, check: float) -> float:
    """One walk of the date index for several places: it reads events newest first, tests each
    one's place from the row and only then its MATCH, and needs k hits in all (not per place)."""
    hits = 2 * (k + 1) * total / max(matches, 1)
    rows = hits * total / max(min(candidates, total), 1)
    return rows * ROW_US + min(hits, candidates) * check


def choose_plan(stats: dict[str, int], k: int, walks: int = 1, terms: int = 1) -> SqlitePlan:
    """Drive from the full-text matches when there are few of them, else from the index.

    Driving from the index walks candidates newest first and tests each against the MATCH,
    stopping after k hits: about k * total / matches candidates per walk (one walk per place)
    when terms and places are independent (doubled for safety), never more than the
    candidates there are.
    """
    if "fts" not in stats:
        return SqlitePlan(fts_driven=True)
    matches, total = stats["fts"], max(stats["total"], 1)
    candidates = stats.get("struct", total)
    if matches == 0:
        return SqlitePlan(True, 0, candidates)
    if matches >= FTS_CAP:
        # Common terms: a walk newest first stops early (ranking them all would not); for
        # several places, one walk of the date index or one per place, whichever reads less.
        check = CHECK_ROW_US * max(terms, 1)
        if walks > 1 and _one_walk_cost(k, total, matches, candidates, check) < (
            min(candidates, 2 * (k + 1) * walks * total / matches) * check
        ):
            return SqlitePlan(False, matches, candidates, one_walk=True)
        return SqlitePlan(False, matches, candidates)
    check = CHECK_ROW_US * max(terms, 1)
    walk = min(candidates, 2 * (k + 1) * walks * total / matches)
    costs = {
        "fts": matches * FTS_ROW_US,
        "walk": walk * check,
        # Several places are read in full (one IN list) and sorted; one place or none is walked.
        "set": matches * SET_ROW_US + (candidates if walks > 1 else walk) * SCAN_ROW_US,
    }
    if walks > 1:
        costs["one_walk"] = _one_walk_cost(k, total, matches, candidates, check)
    best = min(costs, key=lambda name: costs[name])
    return SqlitePlan(
        best == "fts", matches, candidates, use_set=best == "set", one_walk=best == "one_walk"
    )


def plan_for(flt: EventFilter, stats: dict[str, int], k: int) -> SqlitePlan:
    """The plan for a filter given its counts (see choose_plan)."""
    terms = sum(len(g) for g in _clean_groups(flt.term_groups))
    if not flt.match_all and 0 < stats.get("fts", 0) <= RANK_CAP:
        return SqlitePlan(True, stats["fts"])  # any term: ranked by bm25 while that is cheap
    return choose_plan(stats, k, len(flt.place_keys or ()) or 1, terms)


def sqlite_query(
    flt: EventFilter,
    *,
    limit: int,
    offset: int = 0,
    order: Order = "newest",
    plan: SqlitePlan | None = None,
) -> tuple[str, list[Any]] | None:
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
    desc = "DESC" if order == "newest" else "ASC"
    ordering = f"date_start {desc}, date_last {desc}, id {desc}"
    e_ordering = f"e.date_start {desc}, e.date_last {desc}, e.id {desc}"
    match = fts5_query(flt.term_groups, flt.match_all) if flt.term_groups else None
    if flt.term_groups and match is None:
        return None
    plan = plan or SqlitePlan(fts_driven=match is not None)
    conds, params = _sqlite_structured(flt)
    keys = sorted(flt.place_keys) if flt.place_keys is not None else []
    if match is not None and plan.fts_driven:
        if keys:
            conds.append(f"e.place_key IN ({','.join('?' * len(keys))})")
        rank = "bm25(events_fts), " if not flt.match_all else ""
        sql = (
            "SELECT e.id FROM events_fts CROSS JOIN events AS e ON e.id = events_fts.rowid "
            f"WHERE events_fts MATCH ? AND {' AND '.join(conds)} "
            f"ORDER BY {rank}{e_ordering} LIMIT ? OFFSET ?"
        )
        return sql, [match, *params, *keys, limit, offset]
    if match is not None and plan.use_set:
        # The unary + keeps the id set a filter: the place/date index still drives, in order.
        conds.append("+e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)")
        params.append(match)
        place = f"e.place_key IN ({','.join('?' * len(keys))}) AND " if keys else ""
        sql = (
            f"SELECT e.id FROM events AS e WHERE {place}{' AND '.join(conds)} "
            f"ORDER BY {e_ordering} LIMIT ? OFFSET ?"
        )
        return sql, [*keys, *params, limit, offset]
    if match is not None:
        conds.append(
            "EXISTS (SELECT 1 FROM events_fts WHERE events_fts MATCH ? AND events_fts.rowid = e.id)"
        )
        params.append(match)
    where = " AND ".join(conds)
    if match is not None and plan.one_walk and len(keys) > 1:
        # The unary + keeps the place list a filter, so the date index drives, in order.
        sql = (
            f"SELECT e.id FROM events AS e WHERE +e.place_key IN ({','.join('?' * len(keys))}) "
            f"AND {where} ORDER BY {e_ordering} LIMIT ? OFFSET ?"
        )
        return sql, [*keys, *params, limit, offset]
    if len(keys) <= 1:
        place = "e.place_key = ? AND " if keys else ""
        sql = (
            f"SELECT e.id FROM events AS e WHERE {place}{where} "
            f"ORDER BY {e_ordering} LIMIT ? OFFSET ?"
        )
        return sql, [*keys, *params, limit, offset]
    # One index walk per place (each stops after limit + offset rows), merged.
    k = limit + offset
    parts = []
    all_params: list[Any] = []
    for key in keys:
        parts.append(
            "SELECT * FROM (SELECT e.id AS id, e.date_start AS date_start, "
            "e.date_last AS date_last FROM events AS e "
            f"WHERE e.place_key = ? AND {where} ORDER BY {e_ordering} LIMIT {k})"
        )
        all_params += [key, *params]
    sql = f"SELECT id FROM ({' UNION ALL '.join(parts)}) ORDER BY {ordering} LIMIT ? OFFSET ?"
    return sql, [*all_params, limit, offset]


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
    for terms in _clean_groups(groups):
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
    return conds


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


class StatsCache:
    """Recent planner counts by statement, so repeated terms and places are not counted again.

    Counts only choose a plan, so a slightly stale count costs speed, never correctness; a zero
    (which ends a search early) is never kept. Entries expire after `ttl` seconds or once the
    store has grown by more than `growth` (a fraction of the newest id).
    """

    def __init__(self, size: int = 512, ttl: float = 300.0, growth: float = 0.05) -> None:
        self._size, self._ttl, self._growth = size, ttl, growth
        self._entries: OrderedDict[tuple[str, tuple[Any, ...]], tuple[int, int, float]] = (
            OrderedDict()
        )

    def get(self, key: tuple[str, tuple[Any, ...]], total: int, now: float) -> int | None:
        """The kept count for a statement, if still fresh."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        count, at_total, at = entry
        if now - at > self._ttl or abs(total - at_total) > self._growth * max(at_total, 1):
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return count

    def put(self, key: tuple[str, tuple[Any, ...]], count: int, total: int, now: float) -> None:
        """Keep a non-zero count."""
        if count <= 0:
            return
        self._entries[key] = (count, total, now)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


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
    built = sqlite_query(flt, limit=limit, offset=offset, order=order, plan=plan)
    if built is None:
        return []
    sql, params = built
    return [int(row[0]) for row in await fetch(sql, params)]


def session_fetch(session: AsyncSession) -> Fetch:
    """A fetch that runs driver SQL on the session's connection."""

    async def fetch(sql: str, params: Sequence[Any]) -> Sequence[Sequence[Any]]:
        conn = await session.connection()
        return (await conn.exec_driver_sql(sql, tuple(params))).fetchall()

    return fetch


async def search_event_ids(
    session: AsyncSession,
    flt: EventFilter,
    *,
    limit: int,
    offset: int = 0,
    order: Order = "newest",
    stats_cache: StatsCache | None = None,
) -> list[int]:
    """Ids of matching events; with terms, the full-text index is used, never a scan of text."""
    if flt.place_keys is not None and not flt.place_keys:
        return []
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect != "sqlite":
        return await pg_search_ids(session, flt, limit=limit, offset=offset, order=order)
    return await sqlite_search_ids(
        session_fetch(session),
        flt,
        limit=limit,
        offset=offset,
        order=order,
        stats_cache=stats_cache,
    )


def raw_sqlite_query(
    flt: EventFilter, stats: dict[str, int], *, limit: int
) -> tuple[str, list[Any]]:
    """The statement search_event_ids issues on SQLite for a first page (for benchmarks)."""
    built = sqlite_query(flt, limit=limit, plan=plan_for(flt, stats, limit))
    return built if built is not None else ("SELECT 1 WHERE 0", [])


@dataclass(frozen=True, slots=True)
class Coverage:
    """How far the stored records for an area reach."""

    count: int
    first: date | None
    last: date | None


async def coverage(session: AsyncSession, place_keys: frozenset[str] | None) -> Coverage:
    """Count and date range of published events within places (all places when None).

    For all places the range comes from the date index (first and last published start day),
    so it costs no scan of the events table.
    """
    published = EventRow.status == "published"
    if place_keys is None:
        # All events (the smallest index) less the few that are not published (two ranges of
        # the status index): exact, without reading every published entry.
        every = select(func.count()).select_from(EventRow).scalar_subquery()
        below = select(func.count()).where(EventRow.status < "published").scalar_subquery()
        above = select(func.count()).where(EventRow.status > "published").scalar_subquery()
        count = await session.scalar(select(every - below - above))
        first = await session.scalar(
            select(EventRow.date_start).where(published).order_by(EventRow.date_start).limit(1)
        )
        last = await session.scalar(
            select(EventRow.date_last)
            .where(published)
            .order_by(EventRow.date_start.desc())
            .limit(1)
        )
        return Coverage(int(count or 0), first, last)
    stmt = select(
        func.count(EventRow.id), func.min(EventRow.date_start), func.max(EventRow.date_last)
    ).where(published, EventRow.place_key.in_(sorted(place_keys)))
    count, first, last = (await session.execute(stmt)).one()
    return Coverage(int(count or 0), first, last)


def any_terms(groups: Sequence[Sequence[str]]) -> bool:
    """Whether any group has a usable term."""
    return any(clean_term(t) for g in groups for t in g)

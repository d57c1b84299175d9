"""How a SQLite search with terms runs: the planner's counts, their cache, and the chosen plan.

A query with terms is driven either from the FTS5 matches or from the (place, date) index; a
few cheap counts (full-text matches, structured candidates) and measured per-row costs decide.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.domain.events.filters import EventFilter
from bot.store.search_filter import EVENT_SPAN_LIMIT, clean_groups, fts5_query

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


def _struct_count_query(flt: EventFilter) -> tuple[str, list[Any]]:
    """An index-only upper bound of the candidates: place and date_start only."""
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
    return (
        f"SELECT count(*) FROM (SELECT 1 FROM events AS e WHERE {' AND '.join(conds)} "
        f"LIMIT {STRUCT_CAP})",
        params,
    )


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
        out = {"struct": _struct_count_query(flt), **out}
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
    terms = sum(len(g) for g in clean_groups(flt.term_groups))
    if not flt.match_all and 0 < stats.get("fts", 0) <= RANK_CAP:
        return SqlitePlan(True, stats["fts"])  # any term: ranked by bm25 while that is cheap
    return choose_plan(stats, k, len(flt.place_keys or ()) or 1, terms)


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

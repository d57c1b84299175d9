"""The ask bench's independent baseline: the plain full-text query most projects would write.

It shares nothing with Sitrep's planner or statements. SQLite: the FTS5 MATCH joined to events;
PostgreSQL: `@@` on the stored vector (its GIN index); both with the same place, time and word
filters as the question's, ordered by the full-text rank, LIMIT 6. A question without words is
the same filters ordered by date. Each is issued straight through the driver (sqlite3, asyncpg).
"""

from __future__ import annotations

from typing import Any

from bot.domain.events.filters import EventFilter

LIMIT = 6


def _words(flt: EventFilter) -> list[list[str]]:
    """The filter's term groups as plain lowercase words (no operators or quotes survive)."""
    groups = []
    for group in flt.term_groups:
        terms = [" ".join("".join(c if c.isalnum() else " " for c in t).split()) for t in group]
        terms = [t.lower() for t in terms if t]
        if terms:
            groups.append(terms)
    return groups


def sqlite_baseline(flt: EventFilter) -> tuple[str, list[Any]]:
    """The plain SQLite statement for a filter (qmark parameters)."""
    where = ["e.status = 'published'"]
    params: list[Any] = []
    if flt.place_keys:
        where.append(f"e.place_key IN ({','.join('?' * len(flt.place_keys))})")
        params += sorted(flt.place_keys)
    if flt.first is not None:
        where.append("e.date_last >= ?")
        params.append(flt.first.isoformat())
    if flt.last is not None:
        where.append("e.date_start <= ?")
        params.append(flt.last.isoformat())
    groups = _words(flt)
    if not groups:
        sql = f"SELECT e.id FROM events AS e WHERE {' AND '.join(where)}"
        return f"{sql} ORDER BY e.date_start DESC LIMIT {LIMIT}", params
    match = " AND ".join("(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)
    sql = (
        "SELECT e.id FROM events_fts JOIN events AS e ON e.id = events_fts.rowid"
        f" WHERE events_fts MATCH ? AND {' AND '.join(where)}"
        f" ORDER BY events_fts.rank LIMIT {LIMIT}"
    )
    return sql, [match, *params]


def pg_baseline(flt: EventFilter) -> tuple[str, list[Any]]:
    """The plain PostgreSQL statement for a filter ($n parameters)."""
    where = ["status = 'published'"]
    params: list[Any] = []

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    if flt.place_keys:
        where.append(f"place_key = ANY({param(sorted(flt.place_keys))}::text[])")
    if flt.first is not None:
        where.append(f"date_last >= {param(flt.first)}")
    if flt.last is not None:
        where.append(f"date_start <= {param(flt.last)}")
    groups = _words(flt)
    if not groups:
        sql = f"SELECT id FROM events WHERE {' AND '.join(where)}"
        return f"{sql} ORDER BY date_start DESC LIMIT {LIMIT}", params
    query = " && ".join(
        "(" + " || ".join(f"phraseto_tsquery('sitrep_search', {param(t)})" for t in g) + ")"
        for g in groups
    )
    sql = (
        f"SELECT id FROM events WHERE search_vector @@ ({query}) AND {' AND '.join(where)}"
        f" ORDER BY ts_rank(search_vector, ({query})) DESC LIMIT {LIMIT}"
    )
    return sql, params

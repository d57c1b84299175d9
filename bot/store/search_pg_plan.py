"""How a PostgreSQL search runs: capped counts decide which side drives, so no estimate can
turn a question into a walk of the whole table.

PostgreSQL's planner guesses how many events a place list, a window and a tsquery leave, and
multiplies the guesses as if they were independent; when they are not (a country with no events,
words that never occur there) its ordered walk of the date index reads every row. Two cheap
counts, each stopped at PG_CAP, decide instead:

* few candidates by place and date (fewer than PG_CAP): they are read through the place/date
  index first and the stored vectors of just those are tested (`candidates`);
* else, few full-text matches: the GIN index gives the matches first, then place and date narrow
  them (`matches`);
* else both are many, so matches are dense among the candidates: walk newest first and stop at
  the page (`walk`, PostgreSQL's own ordered plan; when the matches were counted, their test is
  kept off the GIN index so the walk is what runs).

Every plan therefore reads at most about PG_CAP rows before it can stop, whatever the estimates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PG_CAP = 4_000  # rows a count reads before it calls a side "many"

PgDrive = Literal["candidates", "matches", "walk"]


@dataclass(frozen=True, slots=True)
class PgPlan:
    """Which side drives a PostgreSQL search, and the counts that chose it."""

    drive: PgDrive
    candidates: int | None = None  # None: not counted (no place or date filter)
    matches: int | None = None  # None: not counted (no terms, or decided before)


def choose_pg_plan(candidates: int | None, matches: int | None) -> PgPlan:
    """The plan for capped counts (None: that side was not counted)."""
    if candidates is not None and candidates < PG_CAP:
        return PgPlan("candidates", candidates, matches)
    if matches is not None and matches < PG_CAP:
        return PgPlan("matches", candidates, matches)
    return PgPlan("walk", candidates, matches)

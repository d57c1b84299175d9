"""PostgreSQL search plans: capped counts, not the planner's estimates, pick the driving side."""

from __future__ import annotations

import pytest

from bot.store.search_pg_plan import PG_CAP, choose_pg_plan


@pytest.mark.parametrize(
    ("candidates", "matches", "drive"),
    [
        (0, None, "candidates"),  # a country with no events: nothing to walk
        (PG_CAP - 1, PG_CAP, "candidates"),  # few candidates: their vectors are tested
        (PG_CAP, 10, "matches"),  # rare words in a broad place: the GIN index first
        (None, 0, "matches"),  # no place or date: words alone decide
        (None, PG_CAP, "walk"),  # common words, no filter: newest first, stop at the page
        (PG_CAP, PG_CAP, "walk"),  # both many: matches are dense among candidates
        (PG_CAP, None, "walk"),  # no words, many candidates: the ordered index walk
        (None, None, "walk"),
    ],
)
def test_counts_choose_the_driving_side(
    candidates: int | None, matches: int | None, drive: str
) -> None:
    plan = choose_pg_plan(candidates, matches)
    assert plan.drive == drive
    assert (plan.candidates, plan.matches) == (candidates, matches)

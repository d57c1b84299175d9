"""The rule of one happening (bot.domain.events.twins) and the merge plan (merge_pass), pure."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.actors.loading import default_registry
from bot.domain.events.merge_pass import Stored, canon_of, dataset_of, plan_merges
from bot.domain.events.twins import Account, same_happening
from bot.store.atlas import world_gazetteer

TB, ANDSF = "Taliban", "Military Forces of Afghanistan (2004-2021)"
TAKE, AIR = "Non-state actor overtakes territory", "Air/drone strike"
CANON = canon_of(default_registry())


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # coded alike, a shared actor (spelled otherwise, or the state under two dataset names)
        (
            Account("x", "Battles", TAKE, (TB, ANDSF)),
            Account("y", "Battles", TAKE, ("Taleban",)),
            True,
        ),
        (
            Account("x", "Battles", TAKE, (ANDSF,)),
            Account("y", "Battles", "State-based conflict", ("Government of Afghanistan",)),
            True,
        ),
        # coding disagrees: never, however alike the text
        (
            Account("Jets struck the town", "Explosions/Remote violence", AIR, (ANDSF,)),
            Account("Jets struck the town", "Battles", TAKE, (ANDSF,)),
            False,
        ),
        (
            Account("Gunmen attacked the post", "", "", ("Islamic State (Afghanistan)",)),
            Account("Gunmen attacked the post", "", "", (TB,)),
            False,
        ),
        # nothing coded on one side: the texts decide
        (
            Account(
                "Insurgents took the governor's compound and the prison", "Battles", TAKE, (TB,)
            ),
            Account("The city fell as insurgents took the governor's compound", "", "", ()),
            True,
        ),
        (
            Account("Insurgents took the governor's compound", "Battles", TAKE, (TB,)),
            Account("Traders protested at the customs office over new fees", "", "", ()),
            False,
        ),
    ],
)
def test_same_happening(a: Account, b: Account, same: bool) -> None:
    assert same_happening(a, b, CANON) is same
    assert same_happening(b, a, CANON) is same


def test_datasets_of_keys() -> None:
    assert dataset_of("acled:AFG1") == dataset_of("acled-row:ab12") == "acled"
    assert dataset_of("ucdp:7") == "ucdp" and dataset_of(None) is None and dataset_of("x") is None


def test_plan_never_joins_two_rows_of_one_dataset() -> None:
    day = date(2021, 8, 12)
    coded = Account("Insurgents took the prison", "Battles", TAKE, (TB, ANDSF))
    rows = [
        Stored(1, "acled:A1", "kandahar-city", day, day, coded),
        Stored(2, "acled:A2", "kandahar-city", day, day, coded),
        Stored(3, None, "kandahar", day, day, Account("Insurgents took the prison", "", "", (TB,))),
        Stored(4, "ucdp:9", "herat", day, day, coded),  # elsewhere
    ]
    plan = plan_merges(rows, world_gazetteer(), CANON)
    assert plan == {1: [3]}
    assert plan_merges([rows[0], rows[1]], world_gazetteer(), CANON) == {}

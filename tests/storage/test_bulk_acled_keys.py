"""ACLED rows without event_id_cnty: their hash keys tell apart rows that differ only in
fatalities or sub_event_type (they used to collapse into one event)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.domain.bulk.acled import parse_acled_row
from bot.domain.bulk.importer import import_file
from bot.domain.events.model import EventStatus
from tests.support.bulk import NOW, domain_at

TODAY = NOW.date()

ROW = {
    "event_date": "2021-07-08",
    "location": "Herat",
    "notes": "Invented: fighting was reported on the edge of the city.",
    "event_type": "Battles",
    "sub_event_type": "Armed clash",
    "fatalities": "2",
}


def key_of(row: dict[str, str]) -> str:
    """The external key a row gets."""
    key = parse_acled_row(row, 2, TODAY).draft.external_key
    assert key is not None and key.startswith("acled-row:")
    return key


@pytest.mark.parametrize(
    "changes",
    [
        {"fatalities": "3"},
        {"fatalities": ""},
        {"sub_event_type": "Armed clash with shelling"},
        {"sub_event_type": "", "event_type": ""},
    ],
)
def test_rows_differing_in_fatalities_or_sub_type_get_different_keys(
    changes: dict[str, str],
) -> None:
    assert key_of({**ROW, **changes}) != key_of(ROW)


def test_the_hash_key_stays_stable() -> None:
    spaced = {**ROW, "sub_event_type": " Armed  clash ", "fatalities": " 2 ", "admin1": "Herat"}
    assert key_of(spaced) == key_of(dict(ROW))
    # a row giving neither fatalities nor sub_event_type keeps its key from before the fix
    bare = {k: v for k, v in ROW.items() if k not in {"fatalities", "sub_event_type"}}
    assert key_of(bare) == "acled-row:23822b9446bdcabcfd50"


async def test_rows_differing_only_in_fatalities_or_sub_type_are_all_stored(
    db_url: str, tmp_path: Path
) -> None:
    rows = [
        ROW,
        {**ROW, "fatalities": "5"},
        {**ROW, "sub_event_type": "Government regains territory"},
        dict(ROW),  # a true repeat: still one event, the repeat reported as a bad row
    ]
    path = tmp_path / "keyless.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(ROW))
        writer.writeheader()
        writer.writerows(rows)
    async with domain_at(db_url) as domain:
        report = await import_file(domain, path)
        views = await domain.events.list_events(statuses=tuple(EventStatus), limit=10)
        again = await import_file(domain, path)
    assert report.created == 3
    assert [(b.line, b.reason.split(" as ")[0]) for b in report.bad_rows] == [
        (5, f"same key {key_of(ROW)}")
    ]
    assert sorted((v.fatalities, v.sub_event_type) for v in views) == [
        (2, "Armed clash"),
        (2, "Government regains territory"),
        (5, "Armed clash"),
    ]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

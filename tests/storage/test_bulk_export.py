"""Bulk export of events and round trips through import, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.bulk.acled import parse_event_date
from bot.domain.bulk.importer import import_file
from bot.domain.bulk.reading import Format
from bot.domain.events.model import EventStatus
from tests.support import dbtools
from tests.support.bulk import SAMPLE, domain_at, export_text, populate


@pytest.fixture
def other_db_url(
    db_url: str, tmp_path: Path, sqlite_template: Path, pg_template: str | None
) -> Iterator[str]:
    """A second fresh database, on the other backend when PostgreSQL is configured."""
    base = dbtools.pg_url()
    if db_url.startswith("sqlite") and base is not None:
        with dbtools.pg_database(base, pg_template) as url:
            yield url
        return
    yield dbtools.copy_sqlite(sqlite_template, tmp_path)


# ---- export and round trips ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.pg  # the second store is PostgreSQL when configured
async def test_jsonl_round_trip_is_byte_identical(
    db_url: str, other_db_url: str, tmp_path: Path
) -> None:
    async with domain_at(db_url) as first:
        await populate(first)
        exported = await export_text(first)
    lines = exported.splitlines()
    assert len(lines) == 17
    records = [json.loads(line) for line in lines]
    assert [r["date"]["start"] for r in records] == sorted(r["date"]["start"] for r in records)
    by_status = {r["status"] for r in records}
    assert by_status == {"published", "retracted", "draft"}
    retracted = next(r for r in records if r["status"] == "retracted")
    assert retracted["retract_reason"] == "Wrong crossing."
    assert retracted["key"].startswith("sitrep:")
    assert retracted["sources"][0]["published_at"] == "2021-07-09T14:30:00+00:00"
    added = next(r for r in records if r["key"] == "acled:AFGX0004")["place"]
    assert added["added"] == {
        "kind": "town",
        "parent": "guzarah-district",
        "lat": 34.15,
        "lon": 62.19,
    }

    path = tmp_path / "copy.jsonl"
    path.write_text(exported, encoding="utf-8")
    async with domain_at(other_db_url) as second:
        report = await import_file(second, path)
        assert (report.created, report.bad_rows) == (17, [])
        assert await export_text(second) == exported
        again = await import_file(second, path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 17)
        assert await second.events.count(statuses=[EventStatus.RETRACTED]) == 1


async def test_acled_round_trip_keeps_acled_fields(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        await populate(domain)
        text = await export_text(domain, Format.ACLED)
    exported = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(text))}
    with SAMPLE.open(encoding="utf-8") as f:
        original = {r["event_id_cnty"]: r for r in csv.DictReader(f)}
    # published only: the retracted and the draft event are not in the ACLED export
    assert set(exported) == set(original)
    kept = ["event_type", "sub_event_type", "actor1", "location", "notes", "fatalities"]
    for event_id, row in original.items():
        out = exported[event_id]
        assert [out[c] for c in kept] == [row[c] for c in kept], event_id
        assert out["event_date"] == parse_event_date(row["event_date"]).start.isoformat()
        assert out["time_precision"] == row["time_precision"]
        assert out["source"].split("; ") == [s.strip() for s in row["source"].split(";")]
        if row["actor2"]:
            assert out["actor2"] == row["actor2"]
    assert exported["AFGX0001"]["admin1"] == "Herat"
    assert exported["AFGX0004"]["latitude"] == "34.15"
    assert exported["AFGX0004"]["geo_precision"] == "2"


async def test_acled_export_reimports_unchanged(db_url: str, tmp_path: Path) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, SAMPLE)
        path = tmp_path / "export.csv"
        path.write_text(await export_text(domain, Format.ACLED), encoding="utf-8")
        report = await import_file(domain, path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 15)
    assert (report.bad_rows, report.places_added) == ([], 0)

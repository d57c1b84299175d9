"""UCDP GED import and export on SQLite and PostgreSQL: rows of six countries stored, Afghan
places resolved, idempotent re-imports, updates in place, export round trips, bad rows.

Nothing here depends on the gazetteer knowing places outside Afghanistan (those assertions are
in test_bulk_ucdp_world.py)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from bot.bootstrap import Services
from bot.domain.bulk.importer import import_file
from bot.domain.bulk.reading import Format
from bot.domain.bulk.types import BulkError
from bot.domain.bulk.ucdp import COLUMNS
from bot.domain.events.model import EventStatus, EventView, LocationPrecision, Origin, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate, Precision
from tests.support import dbtools
from tests.support.bulk import SAMPLE, domain_at, export_text
from tests.support.ucdp import (
    AFGHAN_IDS,
    GED_BAD_ROWS,
    GED_SAMPLE,
    WORLD_IDS,
    ged_row,
    ged_rows,
    write_ged,
)

pytestmark = pytest.mark.slow

ALL_IDS = AFGHAN_IDS + WORLD_IDS


async def by_id(domain: Services) -> dict[str, EventView]:
    """Every stored UCDP event by its UCDP id."""
    views = await domain.events.list_events(statuses=tuple(EventStatus), limit=1000)
    return {
        v.external_key.removeprefix("ucdp:"): v
        for v in views
        if v.external_key and v.external_key.startswith("ucdp:")
    }


def exported_rows(text: str) -> dict[str, dict[str, str]]:
    """A UCDP export's rows by id (the header checked)."""
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return {r["id"]: r for r in reader}


async def test_every_country_s_rows_are_stored(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        report = await import_file(domain, GED_SAMPLE)
        stored = await by_id(domain)
    assert (report.created, report.updated, report.unchanged, report.bad_rows) == (13, 0, 0, [])
    assert set(stored) == set(ALL_IDS)
    syria = stored["990101"]
    assert syria.summary == "Government of Syria vs IS: 2 killed at Al Qaryatayn, Homs governorate"
    assert syria.place_text == "Al Qaryatayn"
    assert syria.when == FuzzyDate.day(date(2016, 3, 28))
    assert syria.actors == ("Government of Syria", "IS")
    assert (syria.event_type, syria.sub_event_type) == ("Battles", "State-based conflict")
    assert syria.fatalities == 2
    assert syria.sources == (
        SourceInfo(
            "Invented Levant Post",
            title="Invented: desert town changes hands",
            published_on=date(2016, 3, 29),
        ),
    )
    assert (syria.origin, syria.status, syria.reviewed) == (
        Origin.IMPORT,
        EventStatus.PUBLISHED,
        True,
    )
    for event_id in ALL_IDS:
        row, ev = ged_row(event_id), stored[event_id]
        # the place text never keeps UCDP's kind word, the summary never is the headline
        assert ev.place_text and ev.place_text.split()[-1] not in {"town", "village", "city"}
        assert ev.place_text in row["where_coordinates"]
        assert ev.summary != row["source_headline"] and ev.summary.startswith(row["side_a"])
        assert ev.fatalities == int(row["best"])
        assert ev.when.start.isoformat() == row["date_start"][:10]
    assert stored["990501"].event_type == "Violence against civilians"
    assert stored["990102"].sub_event_type == "Non-state conflict"


@pytest.mark.parametrize(
    ("event_id", "precision", "when"),
    [
        ("990001", "exact", FuzzyDate.day(date(2013, 1, 3))),
        ("990003", "near", FuzzyDate(date(2013, 2, 1), Precision.WEEK, date(2013, 2, 4))),
        ("990004", "region", FuzzyDate(date(2013, 3, 1), Precision.MONTH, date(2013, 3, 31))),
        ("990005", "region", FuzzyDate(date(2013, 1, 1), Precision.YEAR, date(2013, 12, 31))),
        ("990102", "region", FuzzyDate(date(2016, 6, 6), Precision.WEEK, date(2016, 6, 12))),
        ("990103", "region", FuzzyDate(date(2016, 7, 1), Precision.MONTH, date(2016, 7, 31))),
        ("990201", "near", FuzzyDate(date(2015, 4, 6), Precision.WEEK, date(2015, 4, 12))),
        ("990401", "exact", FuzzyDate(date(2013, 1, 2), Precision.DAY, date(2013, 1, 3))),
        ("990501", "near", FuzzyDate.day(date(2018, 11, 1))),
    ],
)
async def test_precisions_are_stored(
    db_url: str, event_id: str, precision: str, when: FuzzyDate
) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        ev = (await by_id(domain))[event_id]
    assert ev.location_precision is LocationPrecision(precision)
    assert ev.when == when


@pytest.mark.parametrize(
    ("event_id", "place_key", "place_text"),
    [
        ("990001", "gereshk", "Gereshk"),  # the town inside adm_2
        ("990003", "nahr-e-saraj", "Nahr-e Saraj"),  # where_prec 3: the district itself
        ("990004", "kandahar", "Kandahar"),  # where_prec 4: the province, not Kandahar city
        ("990005", "afghanistan", "Afghanistan"),  # where_prec 6: the country
    ],
)
async def test_afghan_rows_are_placed(
    db_url: str, event_id: str, place_key: str, place_text: str
) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        ev = (await by_id(domain))[event_id]
    assert (ev.place_key, ev.place_text) == (place_key, place_text)


async def test_an_unknown_village_is_added_under_its_district(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        assert domain.gazetteer.get("hafizan") is not None  # a look-alike in Nangarhar
        report = await import_file(domain, GED_SAMPLE)
        ev = (await by_id(domain))["990002"]
        assert ev.place_key is not None
        place = domain.gazetteer.get(ev.place_key)
        assert place is not None
        assert [a.key for a in domain.gazetteer.ancestors(place.key)][:2] == [
            "nahr-e-saraj",
            "helmand",
        ]
    assert report.places_added >= 1
    assert (ev.place_text, ev.location_precision) == ("Hafizano", LocationPrecision.EXACT)
    assert (place.name, place.kind, place.lat, place.lon) == ("Hafizano", "town", 31.9, 64.5)


async def test_places_are_never_guessed_across_borders(db_url: str, tmp_path: Path) -> None:
    """A Syrian village spelt like an Afghan one is not put in Afghanistan."""
    row = {**ged_row("990101"), "id": "990901", "where_coordinates": "Hafizan village"}
    path = write_ged(tmp_path / "border.csv", [row])
    async with domain_at(db_url) as domain:
        await import_file(domain, path)
        ev = (await by_id(domain))["990901"]
        place = domain.gazetteer.get(ev.place_key) if ev.place_key else None
    assert ev.place_text == "Hafizan" and ev.place_key != "hafizan"
    assert place is None or place.country == "SY"


async def test_look_alike_villages_are_placed_the_same_on_every_import(
    db_url: str, tmp_path: Path
) -> None:
    """A village spelt like one the import has just added is its own place, not a guess at the
    other: a guess would go elsewhere once the file's later rows have added their villages."""
    base = ged_row("990002")
    kandahar = {"adm_1": "Kandahar province", "adm_2": "Spin Boldak district"}
    rows = [
        {**base, "id": "990911", "where_coordinates": "Qala Kamsar village"},
        {**base, "id": "990912", "where_coordinates": "Qala Kamsir village"},
        {**base, "id": "990913", "where_coordinates": "Qala Kamsir village", **kandahar},
    ]
    path = write_ged(tmp_path / "alike.csv", rows)
    async with domain_at(db_url) as domain:
        first = await import_file(domain, path)
        placed = {k: v.place_key for k, v in (await by_id(domain)).items()}
        names = {k: domain.gazetteer.get(v).name for k, v in placed.items() if v}
        again = await import_file(domain, path)
    assert (first.created, first.places_added) == (3, 3)
    assert names == {"990911": "Qala Kamsar", "990912": "Qala Kamsir", "990913": "Qala Kamsir"}
    assert placed["990912"] != placed["990913"]
    assert (again.unchanged, again.updated, again.places_added) == (3, 0, 0)


async def test_reimport_is_unchanged_and_edits_update_in_place(db_url: str, tmp_path: Path) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        places = len(domain.gazetteer)
        again = await import_file(domain, GED_SAMPLE)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 13)
        assert (again.places_added, len(domain.gazetteer)) == (0, places)
        before = await by_id(domain)
        rows = ged_rows()
        for row in rows:
            if row["id"] in {"990004", "990301"}:
                row["best"] = str(int(row["best"]) + 10)
                row["source_office"] += ";Invented Evening Paper"
        edited = await import_file(domain, write_ged(tmp_path / "edited.csv", rows))
        after = await by_id(domain)
        assert await domain.events.count() == 13
    assert (edited.created, edited.updated, edited.unchanged) == (0, 2, 11)
    for event_id in ("990004", "990301"):
        old, new = before[event_id], after[event_id]
        assert new.id == old.id and new.fatalities == (old.fatalities or 0) + 10
        assert f"{new.fatalities} killed" in new.summary
        assert [s.outlet for s in new.sources][-1] == "Invented Evening Paper"
    assert after["990101"] == before["990101"]


async def test_export_round_trip(db_url: str, tmp_path: Path, sqlite_template: Path) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, GED_SAMPLE)
        await import_file(domain, SAMPLE)  # ACLED events are not UCDP rows: not exported
        text = await export_text(domain, Format.UCDP)
        path = tmp_path / "export.csv"
        path.write_text(text, encoding="utf-8")
        report = await import_file(domain, path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 13)
    assert (report.bad_rows, report.places_added) == ([], 0)
    exported = exported_rows(text)
    assert list(exported) == sorted(exported, key=lambda i: (exported[i]["date_start"], i))
    assert set(exported) == set(ALL_IDS)
    kept = ["type_of_violence", "side_a", "side_b", "best", "date_prec", "source_office"]
    for event_id in ALL_IDS:
        row, out = ged_row(event_id), exported[event_id]
        assert [out[c] for c in kept] == [row[c] for c in kept], event_id
        assert out["date_start"] == row["date_start"][:10], event_id
        assert out["date_end"] == row["date_end"][:10], event_id
        assert out["adm_1"] == row["adm_1"], event_id
        assert out["source_headline"] == row["source_headline"].replace("; ", ";"), event_id
    for event_id in AFGHAN_IDS:
        row, out = ged_row(event_id), exported[event_id]
        assert (out["where_prec"], out["country"]) == (row["where_prec"], "Afghanistan")
    assert exported["990001"]["adm_2"] == "Nahr-e Saraj district"
    assert exported["990002"]["latitude"] == "31.9"
    assert exported["990004"]["where_coordinates"] == "Kandahar province"
    assert exported["990101"]["where_coordinates"] == "Al Qaryatayn"
    # into a fresh store: the same events, exported the same
    async with domain_at(dbtools.copy_sqlite(sqlite_template, tmp_path)) as fresh:
        first = await import_file(fresh, path)
        assert (first.created, first.bad_rows) == (13, [])
        assert await export_text(fresh, Format.UCDP) == text


async def test_bad_rows_are_reported_by_line_and_good_ones_kept(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        report = await import_file(domain, GED_BAD_ROWS)
        stored = await by_id(domain)
    assert set(stored) == {"991001", "991011", "991013"}
    assert [(b.line, b.reason) for b in report.bad_rows] == [
        (3, "unparseable date_start '2013-02-30'"),
        (4, "date_end 2013-02-01 is before date_start"),
        (5, "date_start 2031-01-01 is in the future"),
        (6, "best 'several' is not a whole number ≥ 0"),
        (7, "where_prec '9' is not one of 1, 2, 3, 4, 5, 6, 7"),
        (8, "latitude 134.5 is out of range (−90…90)"),
        (9, "id is empty"),
        (10, "same key ucdp:991001 as line 2"),
        (11, "type_of_violence '4' is not 1, 2 or 3"),
        (12, "side_a and side_b are empty"),
        (14, "date_prec '0' is not one of 1, 2, 3, 4, 5"),
        (16, "unparseable date_start 'yesterday'"),
    ]
    assert report.summary() == (
        "imported 3 events (3 new, 0 updated, 0 unchanged), 12 rows skipped"
    )


async def test_strict_stores_nothing(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        places = len(domain.gazetteer)
        report = await import_file(domain, GED_BAD_ROWS, strict=True)
        assert report.strict_failed and len(report.bad_rows) == 12
        assert (await domain.events.count(), len(domain.gazetteer)) == (0, places)


async def test_damaged_file_keeps_its_good_rows(db_url: str, tmp_path: Path) -> None:
    lines = GED_SAMPLE.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b"Somewhere in the district", b"y" * (10 << 20))  # line 4
    lines[7] = bytes(range(128, 256)) + b"\n"  # line 8: binary garbage
    lines[11] = lines[11].replace(b"Invented", b"\0", 1)  # line 12
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"".join(lines))
    async with domain_at(db_url) as domain:
        report = await import_file(domain, path)
        stored = await by_id(domain)
    assert [b.line for b in report.bad_rows] == [4, 8, 12]
    assert report.created == 10 and len(stored) == 10
    assert "990003" not in stored and "990102" not in stored and "990302" not in stored


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (",".join(c for c in COLUMNS if c != "id") + "\n", "missing column id "),
        ("id,date_start,where_coordinates\n1,2013-01-03,Herat\n", "missing columns side_a, side_b"),
        ("\x89PNG\r\n\x1a\n" + "\0" * 300, "binary"),
    ],
)
async def test_unfit_ucdp_files_store_nothing(
    db_url: str, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "ged.csv"
    path.write_bytes(content.encode("utf-8"))
    async with domain_at(db_url) as domain:
        with pytest.raises(BulkError, match=message):
            await import_file(domain, path)
        assert await domain.events.count() == 0

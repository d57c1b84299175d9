"""Bulk import of events (ACLED CSV, Sitrep JSONL) on SQLite and PostgreSQL: fields, places,
re-imports, bad rows, strict mode and unfit files."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.bootstrap import Services
from bot.domain.bulk.importer import import_file
from bot.domain.bulk.types import BulkError
from bot.domain.events.model import EventStatus, EventView, LocationPrecision, Origin, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from tests.support.bulk import SAMPLE, domain_at

# Whole stores imported or copied per test: the full suite runs them, not the fast tier.
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BAD_ROWS = FIXTURES / "bulk_bad_rows.csv"


async def by_key(domain: Services) -> dict[str, EventView]:
    """Every stored event (any status) by external key."""
    views = await domain.events.list_events(statuses=tuple(EventStatus), limit=10_000)
    return {v.external_key or f"id:{v.id}": v for v in views}


# ---- ACLED import -------------------------------------------------------------------------


async def test_acled_import_maps_every_field(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        report = await import_file(domain, SAMPLE)
        assert (report.created, report.updated, report.unchanged) == (15, 0, 0)
        assert report.bad_rows == []
        assert report.summary() == (
            "imported 15 events (15 new, 0 updated, 0 unchanged), 0 rows skipped"
        )
        assert await domain.events.count() == 15
        ev = (await by_key(domain))["acled:AFGX0001"]
    assert ev.summary.startswith("On 8 July 2021, Taliban fighters clashed")
    assert ev.when == FuzzyDate.day(date(2021, 7, 8))
    assert (ev.place_key, ev.place_text, ev.place_name) == (
        "islam-qala",
        "Islam Qala",
        "Islam Qala",
    )
    assert ev.location_precision is LocationPrecision.EXACT
    assert ev.actors == ("Taliban", "Military Forces of Afghanistan (2004-2021)")
    assert (ev.event_type, ev.sub_event_type) == ("Battles", "Armed clash")
    assert ev.fatalities == 0
    assert ev.sources == (
        SourceInfo("Pajhwok Afghan News", published_on=date(2021, 7, 8)),
        SourceInfo("Tolo News", published_on=date(2021, 7, 8)),
    )
    assert ev.reported_at == datetime(2021, 7, 8, tzinfo=UTC)
    assert (ev.origin, ev.status, ev.reviewed) == (Origin.IMPORT, EventStatus.PUBLISHED, True)


@pytest.mark.parametrize(
    ("key", "place_key", "place_text", "precision", "when"),
    [
        # "08 July 2021"-style date, an alias of a gazetteer place
        ("acled:AFGX0003", "sher-khan-bandar", "Shir Khan Bandar", "exact", "2021-06-22/day"),
        # location "Herat" in admin1 Herat is the city, not the province
        ("acled:AFGX0012", "herat-city", "Herat", "exact", "2021-08-12/day"),
        # admin1 spelt differently from the gazetteer (Jawzjan / Jowzjan)
        ("acled:AFGX0010", "sheberghan", "Sheberghan", "exact", "2021-08-07/day"),
        # unknown place without coordinates: placed on its district, at least NEAR; week precision
        ("acled:AFGX0005", "paghman-district", "Sar Asiab", "near", "2021-07-25/week"),
        # unknown admin1 too: kept as written
        ("acled:AFGX0006", None, "Nowhere Valley", "region", "2021-07-03/day"),
        # time_precision 3: month
        ("acled:AFGX0007", "fayzabad", "Faizabad", "exact", "2021-07-15/month"),
    ],
)
async def test_acled_places_and_precisions(
    db_url: str, key: str, place_key: str | None, place_text: str, precision: str, when: str
) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, SAMPLE)
        ev = (await by_key(domain))[key]
    assert (ev.place_key, ev.place_text) == (place_key, place_text)
    assert ev.location_precision is LocationPrecision(precision)
    assert f"{ev.when.start.isoformat()}/{ev.when.precision}" == when


async def test_unknown_place_is_added_under_its_admin_area(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        assert domain.gazetteer.resolve("Deh Sorkh") is None
        report = await import_file(domain, SAMPLE)
        assert report.places_added == 1
        ev = (await by_key(domain))["acled:AFGX0004"]
        assert ev.place_key is not None
        place = domain.gazetteer.get(ev.place_key)
        assert ev.location_precision is LocationPrecision.NEAR
        assert ev.actors == (
            "Unidentified Armed Group (Afghanistan)",
            "Civilians (Afghanistan)",
            "Farmers (Afghanistan)",
            "Women (Afghanistan)",
        )
    assert place is not None
    assert (place.name, place.kind, place.lat, place.lon) == ("Deh Sorkh", "town", 34.15, 62.19)
    assert place.parent == "guzarah-district"
    # stored, not only in memory: a new process knows the place, inside Herat province
    async with domain_at(db_url) as again:
        stored = again.gazetteer.resolve("Deh Sorkh")
        assert stored is not None and stored.key == place.key
        assert "herat" in [a.key for a in again.gazetteer.ancestors(stored.key)]
        assert stored.key in again.gazetteer.descendants("herat")


async def test_reimport_is_idempotent_and_edits_update(db_url: str, tmp_path: Path) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, SAMPLE)
        again = await import_file(domain, SAMPLE)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 15)
        assert again.places_added == 0
        assert await domain.events.count() == 15
        before = (await by_key(domain))["acled:AFGX0013"]

        with SAMPLE.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            if row["event_id_cnty"] == "AFGX0013":
                row["fatalities"] = "7"
                row["notes"] = row["notes"].replace("seized", "captured")
                row["source"] += "; Ariana News"
        edited = tmp_path / "edited.csv"
        with edited.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        report = await import_file(domain, edited)
        assert (report.created, report.updated, report.unchanged) == (0, 1, 14)
        after = (await by_key(domain))["acled:AFGX0013"]
        assert await domain.events.count() == 15
    assert after.id == before.id
    assert after.fatalities == 7 and "captured Ghazni" in after.summary
    assert [s.outlet for s in after.sources] == ["Pajhwok Afghan News", "Ariana News"]


async def test_bad_rows_are_reported_and_good_ones_go_in(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        report = await import_file(domain, BAD_ROWS)
        stored = await by_key(domain)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert set(stored) == {"acled:AFGB0001", "acled:AFGB0007", "acled:AFGB0011"}
    assert stored["acled:AFGB0001"].summary == "On 8 July 2021, clashes at Islam Qala."
    assert "spread over two lines" in stored["acled:AFGB0007"].summary
    assert [(b.line, b.reason) for b in report.bad_rows] == [
        (3, "notes is empty"),
        (4, "unparseable event_date '31 June 2021'"),
        (5, "event_date 2031-07-08 is in the future"),
        (6, "fatalities 'several' is not a whole number ≥ 0"),
        (7, "latitude 134.5 is out of range (−90…90)"),
        (10, "time_precision '7' is not 1, 2 or 3"),
        (11, "location is empty"),
        (12, "same key acled:AFGB0001 as line 2"),
        (13, "unparseable event_date 'yesterday'"),
    ]
    assert report.summary().endswith("(3 new, 0 updated, 0 unchanged), 9 rows skipped")


async def test_strict_is_all_or_nothing(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        places = len(domain.gazetteer)
        report = await import_file(domain, BAD_ROWS, strict=True)
        assert report.strict_failed and len(report.bad_rows) == 9
        assert report.summary() == "nothing imported: 9 bad rows (--strict)"
        assert await domain.events.count() == 0
        assert len(domain.gazetteer) == places
        good = await import_file(domain, SAMPLE, strict=True)
        assert not good.strict_failed and good.created == 15


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\xef\xbb\xbf \n\n", "is empty"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (
            "latin1.csv",
            "event_date,location,notes\n2021-07-08,Hérat,x\n".encode("latin-1"),
            "UTF-8",
        ),
        (
            "cols.csv",
            b"event_date,place,text\n2021-07-08,Herat,x\n",
            "missing columns location, notes",
        ),
        ("missing.csv", None, "cannot read"),
    ],
)
async def test_unfit_files_store_nothing(
    db_url: str, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    async with domain_at(db_url) as domain:
        with pytest.raises(BulkError, match=message):
            await import_file(domain, path)
        assert await domain.events.count() == 0


async def test_utf8_bom_and_extra_columns_are_fine(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    text = (
        "Event_Date,Location,Notes,Admin1,Tags,Interaction\n"
        '2021-07-09,Herāt,"On 9 July 2021, a quiet day in Herat.",Herat,x,12\n'
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    async with domain_at(db_url) as domain:
        report = await import_file(domain, path)
        (ev,) = (await by_key(domain)).values()
    assert report.created == 1
    assert ev.place_key == "herat-city" and ev.place_text == "Herāt"
    assert ev.external_key is not None and ev.external_key.startswith("acled-row:")


async def test_bad_jsonl_lines_are_reported(db_url: str, tmp_path: Path) -> None:
    good = {"key": "k:1", "summary": "A.", "date": {"start": "2021-07-08", "precision": "day"}}
    lines = [
        json.dumps(good),
        "{not json",
        "",
        json.dumps({**good, "key": "k:2", "summary": ""}),
        json.dumps({**good, "key": "k:3", "severity": "huge"}),
        json.dumps({**good, "key": "k:4", "status": "retracted"}),
        json.dumps({**good, "key": "k:5", "date": {"start": "2021-07-32"}}),
        json.dumps([1, 2]),
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    async with domain_at(db_url) as domain:
        report = await import_file(domain, path)
    assert report.created == 1
    assert [(b.line, b.reason.split(" (")[0]) for b in report.bad_rows] == [
        (2, "not valid JSON"),
        (4, "summary is empty"),
        (5, "severity 'huge' is not one of routine, notable, flash"),
        (6, "a retracted event needs a retract_reason"),
        (7, "date.start '2021-07-32' is not an ISO date"),
        (8, "a line must hold one JSON object"),
    ]

"""Bulk import's pure parsing: ACLED dates and rows, time precision, keys, format detection."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.domain.bulk.acled import parse_acled_row, parse_event_date
from bot.domain.bulk.reading import Format, detect_format
from bot.domain.bulk.types import RowError
from bot.domain.questions.timetypes import FuzzyDate, Precision
from tests.support.bulk import NOW

TODAY = NOW.date()


# ---- pure parsing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-07-08", date(2021, 7, 8)),
        ("08 July 2021", date(2021, 7, 8)),
        ("8 Jul 2021", date(2021, 7, 8)),
        ("8-July-2021", date(2021, 7, 8)),
        (" 2021-7-8 ", date(2021, 7, 8)),
    ],
)
def test_event_dates_read(text: str, expected: date) -> None:
    assert parse_event_date(text) == FuzzyDate.day(expected)


@pytest.mark.parametrize("text", ["", "31 June 2021", "2021-13-01", "yesterday", "soon"])
def test_event_dates_refused(text: str) -> None:
    with pytest.raises(RowError):
        parse_event_date(text)


BASE_ROW = {
    "event_id_cnty": "AFGT1",
    "event_date": "2021-07-08",
    "location": "Herat",
    "notes": "Something happened.",
}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"notes": "  "}, "notes is empty"),
        ({"location": ""}, "location is empty"),
        ({"event_date": "2021-09-02"}, "in the future"),
        ({"fatalities": "-1"}, "fatalities '-1'"),
        ({"fatalities": "2.5"}, "fatalities '2.5'"),
        ({"latitude": "91", "longitude": "60"}, "latitude 91 is out of range"),
        ({"latitude": "34", "longitude": "181"}, "longitude 181 is out of range"),
        ({"latitude": "north", "longitude": "60"}, "latitude 'north' is not a number"),
        ({"latitude": "34"}, "given together"),
        ({"geo_precision": "4"}, "geo_precision '4'"),
        ({"time_precision": "0"}, "time_precision '0'"),
        ({"event_id_cnty": "X" * 130}, "longer than"),
    ],
)
def test_bad_acled_rows_say_why(changes: dict[str, str], reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        parse_acled_row({**BASE_ROW, **changes}, 2, TODAY)


@pytest.mark.parametrize(
    ("code", "precision"), [("1", Precision.DAY), ("2", Precision.WEEK), ("3", Precision.MONTH)]
)
def test_time_precision_keeps_the_acled_day(code: str, precision: Precision) -> None:
    row = parse_acled_row({**BASE_ROW, "time_precision": code}, 2, TODAY)
    assert row.draft.when == FuzzyDate(date(2021, 7, 8), precision)


def test_a_row_without_id_gets_a_stable_hash_key() -> None:
    row = {k: v for k, v in BASE_ROW.items() if k != "event_id_cnty"}
    first = parse_acled_row(row, 2, TODAY).draft.external_key
    assert first == parse_acled_row(dict(row), 9, TODAY).draft.external_key
    assert first is not None and first.startswith("acled-row:")
    other = parse_acled_row({**row, "notes": "Something else."}, 2, TODAY).draft.external_key
    assert other != first


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.csv", "{", Format.ACLED),
        ("a.jsonl", "event_date", Format.JSONL),
        ("a.txt", '{"key": 1}', Format.JSONL),
        ("a.txt", "event_date,location,notes", Format.ACLED),
    ],
)
def test_format_detection(tmp_path: Path, name: str, head: str, expected: Format) -> None:
    path = tmp_path / name
    path.write_text(head + "\n", encoding="utf-8")
    assert detect_format(path) is expected

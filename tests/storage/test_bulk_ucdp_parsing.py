"""UCDP GED parsing without a database: kind words, dates, precisions, summaries, sources, bad
rows, format detection and damaged files (invented rows from six countries)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.domain.bulk.reading import Format, detect_format, read_rows
from bot.domain.bulk.types import BadRow, BulkError, ParsedRow, RowError
from bot.domain.bulk.ucdp import (
    COLUMNS,
    country_candidates,
    parse_day,
    parse_ucdp_row,
    strip_kind,
)
from bot.domain.events.model import LocationPrecision, SourceInfo
from bot.domain.places.model import PlaceKind
from bot.domain.questions.timetypes import FuzzyDate, Precision
from tests.support.bulk import NOW
from tests.support.ucdp import GED_SAMPLE, ged_row, ged_rows, write_ged

TODAY = NOW.date()


def parsed(event_id: str, **changes: str) -> ParsedRow:
    """A sample row, changed, parsed."""
    return parse_ucdp_row({**ged_row(event_id), **changes}, 2, TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hafizano village", ("Hafizano", "village")),
        ("Al Qaryatayn town", ("Al Qaryatayn", "town")),
        ("Homs governorate", ("Homs", "governorate")),
        ("North Darfur state", ("North Darfur", "state")),
        ("Kharkiv oblast", ("Kharkiv", "oblast")),
        ("Nahr-e Saraj district", ("Nahr-e Saraj", "district")),
        ("Helmand  province ", ("Helmand", "province")),
        ("Beni territory", ("Beni", "territory")),
        ("Syria", ("Syria", "")),
        ("town", ("town", "")),  # a kind word alone is a name
        ("Kuwait City", ("Kuwait City", "")),  # a capitalised word is part of the name
        ("Zamzam camp", ("Zamzam camp", "")),
    ],
)
def test_kind_words_are_stripped(text: str, expected: tuple[str, str]) -> None:
    assert strip_kind(text) == expected


@pytest.mark.parametrize("text", ["2013-01-03 00:00:00.000", "2013-01-03", " 2013-1-3 "])
def test_ucdp_dates_read(text: str) -> None:
    assert parse_day(text, "date_start") == date(2013, 1, 3)


@pytest.mark.parametrize("text", ["", "2013-02-30", "03/01/2013", "2013-01-03 noon", "yesterday"])
def test_ucdp_dates_refused(text: str) -> None:
    with pytest.raises(RowError, match="date_start"):
        parse_day(text, "date_start")


@pytest.mark.parametrize(
    ("code", "precision", "level", "point"),
    [
        ("1", LocationPrecision.EXACT, None, True),
        ("2", LocationPrecision.NEAR, None, True),
        ("3", LocationPrecision.NEAR, PlaceKind.DISTRICT, False),
        ("4", LocationPrecision.REGION, PlaceKind.PROVINCE, False),
        ("5", LocationPrecision.REGION, None, False),
        ("6", LocationPrecision.REGION, PlaceKind.COUNTRY, False),
        ("7", LocationPrecision.REGION, None, False),
        ("", LocationPrecision.EXACT, None, True),
    ],
)
@pytest.mark.parametrize("event_id", ["990001", "990101", "990401"])
def test_where_prec_maps_to_location_precision(
    event_id: str, code: str, precision: LocationPrecision, level: PlaceKind | None, point: bool
) -> None:
    row = parsed(event_id, where_prec=code)
    assert row.draft.location_precision is precision
    assert (row.place.precision, row.place.level) == (precision, level)
    # only an exact or near row's coordinates are its place's own (a village may be added there)
    assert (row.place.lat is not None) is point


def span(start: date, precision: Precision, end: date | None = None) -> FuzzyDate:
    """A fuzzy date (shorter to write)."""
    return FuzzyDate(start, precision, end)


D, W, M, Y = Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.YEAR


@pytest.mark.parametrize(
    ("prec", "start", "end", "expected"),
    [
        ("1", "2013-01-03 00:00:00.000", "2013-01-03 00:00:00.000", span(date(2013, 1, 3), D)),
        ("1", "2013-01-02", "2013-01-03", span(date(2013, 1, 2), D, date(2013, 1, 3))),
        ("2", "2013-02-01", "2013-02-04", span(date(2013, 2, 1), W, date(2013, 2, 4))),
        ("3", "2015-04-08", "2015-04-08", span(date(2015, 4, 8), W)),
        ("4", "2013-03-01", "2013-03-31", span(date(2013, 3, 1), M, date(2013, 3, 31))),
        ("5", "2013-01-01", "2013-12-31", span(date(2013, 1, 1), Y, date(2013, 12, 31))),
        ("", "2013-01-03", "", span(date(2013, 1, 3), D)),
    ],
)
def test_date_prec_and_range(prec: str, start: str, end: str, expected: FuzzyDate) -> None:
    for event_id in ("990001", "990201"):
        row = parsed(event_id, date_prec=prec, date_start=start, date_end=end)
        assert row.draft.when == expected


AF_SIDES = "Government of Afghanistan vs Taleban"
SY_SIDES = "Government of Syria vs IS"
MM_SIDES = "Government of Myanmar (Burma) vs KIO"


@pytest.mark.parametrize(
    ("event_id", "summary", "place_text"),
    [
        ("990001", f"{AF_SIDES}: 3 killed at Gereshk, Helmand province", "Gereshk"),
        ("990002", f"{AF_SIDES}: 5 killed at Hafizano, Helmand province", "Hafizano"),
        ("990003", f"{AF_SIDES}: 6 killed at Nahr-e Saraj, Helmand province", "Nahr-e Saraj"),
        ("990004", f"{AF_SIDES}: 1 killed at Kandahar province", "Kandahar"),
        ("990005", "Taleban vs Civilians: 0 killed at Afghanistan", "Afghanistan"),
        ("990101", f"{SY_SIDES}: 2 killed at Al Qaryatayn, Homs governorate", "Al Qaryatayn"),
        ("990102", "IS vs SDF: 5 killed at Aleppo governorate", "Aleppo"),
        ("990103", "Government of Syria vs Civilians: 9 killed at Syria", "Syria"),
        ("990201", "RSF vs Civilians: 5 killed at Umm Sidra, North Darfur state", "Umm Sidra"),
        ("990301", "Government of Ukraine vs DPR: 3 killed at Pisky, Donetsk oblast", "Pisky"),
        ("990302", "Government of Ukraine vs DPR: 1 killed at Kharkiv, Kharkiv oblast", "Kharkiv"),
        ("990401", f"{MM_SIDES}: 4 killed at Laiza, Kachin state", "Laiza"),
        ("990501", "ADF vs Civilians: 7 killed at Kamango, Nord-Kivu province", "Kamango"),
    ],
)
def test_summaries_are_composed_from_the_fields(
    event_id: str, summary: str, place_text: str
) -> None:
    draft = parsed(event_id).draft
    assert (draft.summary, draft.place_text) == (summary, place_text)
    assert draft.external_key == f"ucdp:{event_id}"
    headline = ged_row(event_id)["source_headline"]
    assert headline not in draft.summary and draft.sources[0].title in headline


def test_summary_without_deaths_adm_1_or_side_b() -> None:
    draft = parsed("990301", best="", adm_1="", side_b="").draft
    assert draft.summary == "Government of Ukraine at Pisky"
    assert (draft.fatalities, draft.actors) == (None, ("Government of Ukraine",))
    # an empty where_coordinates falls back to the narrowest admin area
    assert parsed("990201", where_coordinates="").draft.place_text == "Tawila"


@pytest.mark.parametrize(
    ("code", "event_type", "sub_event_type"),
    [
        ("1", "Battles", "State-based conflict"),
        ("2", "Battles", "Non-state conflict"),
        ("3", "Violence against civilians", "One-sided violence"),
        ("", "", ""),
    ],
)
def test_type_of_violence_maps_to_event_types(
    code: str, event_type: str, sub_event_type: str
) -> None:
    draft = parsed("990102", type_of_violence=code).draft
    assert (draft.event_type, draft.sub_event_type) == (event_type, sub_event_type)


def test_sources_pair_office_date_and_headline() -> None:
    assert parsed("990002").draft.sources == (
        SourceInfo("Invented Wire", title="Invented: night raid", published_on=date(2013, 1, 6)),
        SourceInfo("Invented Daily", title="Invented: village raid", published_on=date(2013, 1, 7)),
    )
    one = parsed("990501", source_headline="Invented: farms; then the road", source_date="bad")
    assert one.draft.sources == (
        SourceInfo("Invented Kivu Bulletin", title="Invented: farms; then the road"),
    )
    odd = parsed("990301", source_office="A;B;A", source_date="2014-08-21", source_headline="x;y")
    day = date(2014, 8, 21)
    assert odd.draft.sources == (
        SourceInfo("A", published_on=day),
        SourceInfo("B", published_on=day),
    )
    assert parsed("990101", source_office="").draft.sources == ()


BAD = [
    ({"id": " "}, "id is empty"),
    ({"id": "9" * 130}, "id is longer than"),
    ({"date_start": "2013-02-30"}, "unparseable date_start '2013-02-30'"),
    ({"date_end": "2012-12-31"}, "date_end 2012-12-31 is before date_start"),
    ({"date_start": "2031-01-01", "date_end": ""}, "date_start 2031-01-01 is in the future"),
    ({"date_prec": "6"}, "date_prec '6' is not one of 1, 2, 3, 4, 5"),
    ({"where_prec": "8"}, "where_prec '8' is not one of 1, 2, 3, 4, 5, 6, 7"),
    ({"best": "-1"}, "best '-1' is not a whole number"),
    ({"best": "many"}, "best 'many' is not a whole number"),
    ({"latitude": "95"}, "latitude 95 is out of range"),
    ({"longitude": "east"}, "longitude 'east' is not a number"),
    ({"longitude": ""}, "latitude and longitude must be given together"),
    ({"type_of_violence": "4"}, "type_of_violence '4' is not 1, 2 or 3"),
    ({"side_a": "", "side_b": " "}, "side_a and side_b are empty"),
    (
        {"where_coordinates": "", "adm_1": "", "adm_2": "", "country": ""},
        "where_coordinates is empty",
    ),
]


@pytest.mark.parametrize(("changes", "reason"), BAD)
@pytest.mark.parametrize("event_id", ["990003", "990101", "990201", "990501"])
def test_bad_ucdp_rows_say_why(event_id: str, changes: dict[str, str], reason: str) -> None:
    with pytest.raises(RowError, match=reason.replace("(", r"\(")):
        parsed(event_id, **changes)


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("Afghanistan", "Afghanistan"),
        ("Myanmar (Burma)", "MM"),
        ("DR Congo (Zaire)", "CD"),
        ("Syria", "SY"),
        ("Sudan", "Sudan"),
        ("Ukraine", "Ukraine"),
    ],
)
def test_country_candidates(name: str, first: str) -> None:
    candidates = country_candidates(name)
    assert candidates[0] == first and name in candidates


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("ged.csv", ",".join(COLUMNS), Format.UCDP),
        ("ged.txt", ",".join(COLUMNS), Format.UCDP),
        ("ged.csv", "\ufeffID,Date_Start,Where_Coordinates", Format.UCDP),
        ("few.csv", "id,date_start,foo", Format.UCDP),
        ("acled.csv", "event_id_cnty,event_date,location,notes,fatalities", Format.ACLED),
        ("acled.csv", "event_date,place,text", Format.ACLED),
        ("a.csv", "{", Format.ACLED),
        ("a.txt", '{"key": 1}', Format.JSONL),
    ],
)
def test_format_detection_reads_the_header(
    tmp_path: Path, name: str, head: str, expected: Format
) -> None:
    path = tmp_path / name
    path.write_text(head + "\n", encoding="utf-8")
    assert detect_format(path) is expected


def test_missing_columns_are_named(tmp_path: Path) -> None:
    keep = [c for c in COLUMNS if c not in {"side_b", "best"}]
    path = write_ged(tmp_path / "cols.csv", ged_rows(), tuple(keep))
    assert detect_format(path) is Format.UCDP
    with pytest.raises(
        BulkError, match=r"not a UCDP GED CSV: missing columns side_b, best \(needs at least id,"
    ):
        list(read_rows(path, Format.UCDP, TODAY))


def bad_lines(items: list[ParsedRow | BadRow]) -> list[tuple[int, str]]:
    """(line, reason) of the bad rows."""
    return [(b.line, b.reason) for b in items if isinstance(b, BadRow)]


def test_damaged_rows_cost_only_their_line(tmp_path: Path) -> None:
    """A 10 MB field, binary garbage, a NUL and bytes that are not UTF-8, each on its own line."""
    lines = GED_SAMPLE.read_bytes().splitlines(keepends=True)
    huge = lines[2].replace(b"A made-up village", b"x" * (10 << 20))  # the sample's line 3
    lines[2] = huge
    lines[4] = b"\x8b\x1f\xf9\xa0" * 8 + b"\n"  # line 5: not a row, not UTF-8
    lines[6] = lines[6].replace(b"Invented", b"Inv\0ented", 1)  # line 7
    lines[9] = lines[9].replace(b"Invented", b"Inv\xe9nted", 1)  # line 10
    path = tmp_path / "damaged.csv"
    path.write_bytes(b"".join(lines))
    items = list(read_rows(path, detect_format(path), TODAY))
    assert [line for line, _ in bad_lines(items)] == [3, 5, 7, 10]
    reasons = [reason for _, reason in bad_lines(items)]
    assert reasons[0].startswith("the line is longer than 1 MB")
    assert reasons[1].startswith("not UTF-8 text")
    assert reasons[2] == "contains a NUL byte"
    assert reasons[3].startswith("not UTF-8 text")
    good = [i for i in items if isinstance(i, ParsedRow)]
    assert len(items) == 13
    assert {i.draft.external_key.removeprefix("ucdp:") for i in good if i.draft.external_key} == {
        "990001",
        "990003",
        "990005",
        "990102",
        "990103",
        "990301",
        "990302",
        "990401",
        "990501",
    }

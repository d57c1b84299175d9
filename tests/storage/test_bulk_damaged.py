"""Damaged import files: a broken quote, a NUL, bytes that are not UTF-8 or a huge field cost
only their own row; truly binary or mostly non-UTF-8 files are refused whole."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.domain.bulk.importer import import_file
from bot.domain.bulk.lines import MAX_LINE_BYTES, check_file
from bot.domain.bulk.reading import Format, read_rows
from bot.domain.bulk.records import MAX_RECORD_LINES
from bot.domain.bulk.types import BadRow, BulkError, ParsedRow
from tests.support.bulk import domain_at
from tests.support.damaged_files import (
    DAMAGE,
    UNTERMINATED,
    damaged_csv,
    row_bytes,
)

TODAY = date(2021, 8, 20)


def bad_lines(items: list[ParsedRow | BadRow]) -> list[int]:
    """The line numbers of the bad rows."""
    return [b.line for b in items if isinstance(b, BadRow)]


async def test_damaged_rows_cost_only_themselves(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "damaged.csv"
    damaged_csv(path, 2000, DAMAGE)
    async with domain_at(db_url) as domain:
        report = await import_file(domain, path)
        stored = await domain.events.count()
    assert (report.created, stored, len(report.bad_rows)) == (1997, 1997, 3)
    assert [b.line for b in report.bad_rows] == [501, 1001, 1501]
    reasons = [b.reason for b in report.bad_rows]
    assert "unterminated quote" in reasons[0]
    assert reasons[1] == "contains a NUL byte"
    assert reasons[2] == "not UTF-8 text (byte 0xff at position 81)"
    assert report.summary() == (
        "imported 1997 events (1997 new, 0 updated, 0 unchanged), 3 rows skipped"
    )


async def test_damaged_file_with_strict_stores_nothing(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "damaged.csv"
    damaged_csv(path, 2000, DAMAGE)
    async with domain_at(db_url) as domain:
        report = await import_file(domain, path, strict=True)
        assert await domain.events.count() == 0
    assert report.strict_failed and [b.line for b in report.bad_rows] == [501, 1001, 1501]
    assert report.summary() == "nothing imported: 3 bad rows (--strict)"


def test_unterminated_quote_at_the_end_costs_its_row(tmp_path: Path) -> None:
    path = tmp_path / "end.csv"
    damaged_csv(path, 10, {9: UNTERMINATED.replace(b"0\n", b"0\nno closing quote\n")})
    items = list(read_rows(path, Format.ACLED, TODAY))
    assert len(items) == 10 and bad_lines(items) == [11]
    (bad,) = [b for b in items if isinstance(b, BadRow)]
    assert "still open at the end of the file" in bad.reason


def test_quoted_line_breaks_are_still_one_row(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    multi = row_bytes(3).replace(b"a made-up", b"a\nmade-up\r\n\nclash,\n")
    damaged_csv(path, 6, {3: multi})
    items = list(read_rows(path, Format.ACLED, TODAY))
    assert bad_lines(items) == []
    assert [i.line for i in items] == [2, 3, 4, 5, 10, 11]
    summary = next(i for i in items if isinstance(i, ParsedRow) and i.line == 5).draft.summary
    assert summary == "Invented test event 3, a made-up clash, clash near Mazar."


def test_quote_closed_by_a_later_row_does_not_swallow_rows(tmp_path: Path) -> None:
    """An odd quote a few lines on ends the runaway early; the record it makes is refused."""
    path = tmp_path / "closed.csv"
    odd = row_bytes(6).replace(b"Invented", b'"Invented')
    damaged_csv(path, 10, {2: UNTERMINATED, 6: odd})
    items = list(read_rows(path, Format.ACLED, TODAY))
    assert bad_lines(items) == [4, 8]
    assert len(items) == 10


def test_a_runaway_over_many_lines_resynchronises(tmp_path: Path) -> None:
    """A quote left open over prose lines: the prose is skipped up to the next full row."""
    path = tmp_path / "prose.csv"
    prose = b"".join(b"a line of prose with no commas %d\n" % n for n in range(120))
    damaged_csv(path, 10, {4: UNTERMINATED + prose})
    items = list(read_rows(path, Format.ACLED, TODAY))
    assert bad_lines(items) == [6] and len(items) == 10
    (bad,) = [b for b in items if isinstance(b, BadRow)]
    assert f"runs past {MAX_RECORD_LINES} lines" in bad.reason
    assert "lines 7-126 skipped with it" in bad.reason
    assert [i.line for i in items][5:] == [127, 128, 129, 130, 131]


@pytest.mark.parametrize("quoted", [True, False])
def test_a_ten_megabyte_field_is_one_bad_row(tmp_path: Path, quoted: bool) -> None:
    huge = b"x" * (10 << 20)
    field = b'"' + huge + b'"' if quoted else huge
    path = tmp_path / "huge.csv"
    damaged_csv(path, 5, {2: b"TEST00002,2021-01-03,Battles,Kabul,Kabul," + field + b",0\n"})
    items = list(read_rows(path, Format.ACLED, TODAY))
    assert bad_lines(items) == [4] and len(items) == 5
    (bad,) = [b for b in items if isinstance(b, BadRow)]
    size = 41 + len(field) + 3
    assert bad.reason == f"the line is longer than {MAX_LINE_BYTES >> 20} MB ({size} bytes)"


def test_a_large_field_over_many_lines_is_one_bad_row(tmp_path: Path) -> None:
    text = b"\n".join(b"word " * 30 for _ in range(5000))
    path = tmp_path / "tall.csv"
    damaged_csv(path, 5, {1: b'TEST00001,2021-01-02,Battles,Kabul,Kabul,"' + text + b'",0\n'})
    items = list(read_rows(path, Format.ACLED, TODAY))
    assert bad_lines(items) == [3] and len(items) == 5


def test_damaged_jsonl_lines_cost_only_themselves(tmp_path: Path) -> None:
    def record(n: int) -> bytes:
        summary = f"Invented event {n}."
        line = {"key": f"k:{n}", "summary": summary, "date": {"start": "2021-07-08"}}
        return json.dumps(line).encode() + b"\n"

    lines = [record(n) for n in range(300)]
    lines[10] = record(10).replace(b"Invented", b"Inv\0ented")
    lines[20] = record(20).replace(b"Invented", b"Inv\xc3\x28ented")
    lines[30] = b'{"key": "k:30", "summary": "' + b"y" * (2 << 20) + b'"}\n'
    lines[40] = b'{"key": "k:40", "summary": "a quote that never ends}\n'
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(lines))
    items = list(read_rows(path, Format.JSONL, TODAY))
    assert bad_lines(items) == [11, 21, 31, 41] and len(items) == 300
    reasons = [b.reason for b in items if isinstance(b, BadRow)]
    assert reasons[:2] == ["contains a NUL byte", "not UTF-8 text (byte 0xc3 at position 32)"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "looks like a binary file"),
        (b"event_date,location,notes\n" + b"\0" * 5000 + b"\n", "looks like a binary file"),
        (
            "event_date,location,notes\n2021-07-08,Hérat,x\n2021-07-09,Kunduz,y\n"
            "2021-07-10,Balkh,é\n".encode("latin-1"),
            r"not UTF-8 text \(2 of 4 lines are not, the first on line 2\)",
        ),
        (b"event_\0date,location,notes\n2021-07-08,Herat,x\n", "header row \\(line 1\\) is bad"),
    ],
)
def test_unfit_files_are_refused_with_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "unfit.csv"
    path.write_bytes(content)
    with pytest.raises(BulkError, match=message):
        check_file(path)
        list(read_rows(path, Format.ACLED, TODAY))

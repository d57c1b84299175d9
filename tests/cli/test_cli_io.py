"""`sitrep import` and `sitrep export`, run as real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_sitrep as sitrep
from tests.support.damaged_files import DAMAGE, damaged_csv, row_bytes

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_import_twice_then_export_jsonl(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'io.db'}"
    first = sitrep("import", str(FIXTURES / "acled_sample.csv"), "--db", db)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("imported 15 events (15 new, 0 updated, 0 unchanged)")
    second = sitrep("import", str(FIXTURES / "acled_sample.csv"), "--db", db)
    assert "(0 new, 0 updated, 15 unchanged), 0 rows skipped" in second.stdout
    export = sitrep("export", "--db", db)
    assert export.returncode == 0, export.stderr
    records = [json.loads(line) for line in export.stdout.splitlines()]
    assert len(records) == 15 and records[0]["key"] == "acled:AFGX0003"
    assert export.stderr.strip() == "exported 15 events"


def test_bad_files_exit_non_zero_with_clear_lines(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'bad.db'}"
    strict = sitrep("import", str(FIXTURES / "bulk_bad_rows.csv"), "--strict", "--db", db)
    assert strict.returncode == 1
    assert "line 3: notes is empty" in strict.stderr
    assert strict.stderr.strip().endswith("nothing imported: 9 bad rows (--strict)")
    assert strict.stdout == "" and "Traceback" not in strict.stderr
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    refused = sitrep("import", str(binary), "--db", db)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"sitrep: {binary} looks like a binary file, not CSV or JSONL text; nothing imported"
    ]
    lenient = sitrep("import", str(FIXTURES / "bulk_bad_rows.csv"), "--db", db)
    assert lenient.returncode == 0
    assert "(3 new, 0 updated, 0 unchanged), 9 rows skipped" in lenient.stdout


def test_damaged_file_lists_every_bad_row(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'damaged.db'}"
    nul = {i: row_bytes(i).replace(b"made-up", b"made\0up") for i in range(0, 1200, 20)}
    path = tmp_path / "damaged.csv"
    damaged_csv(path, 2000, nul | DAMAGE)  # 60 rows with a NUL, and three damaged in other ways
    strict = sitrep("import", str(path), "--strict", "--db", db)
    assert strict.returncode == 1 and strict.stdout == ""
    assert strict.stderr.strip().endswith("nothing imported: 63 bad rows (--strict)")
    listing = path.with_name("damaged.csv.bad-rows.txt")
    assert f"… and 13 more bad rows; all 63 are listed in {listing}" in strict.stderr
    lenient = sitrep("import", str(path), "--db", db)
    assert lenient.returncode == 0, lenient.stderr
    assert lenient.stdout.startswith("imported 1937 events (1937 new, 0 updated, 0 unchanged)")
    assert "63 rows skipped" in lenient.stdout
    errors = lenient.stderr.splitlines()
    assert len(errors) == 51 and errors[0] == "line 2: contains a NUL byte"
    listed = listing.read_text(encoding="utf-8").splitlines()
    assert len(listed) == 63 and listed[-1].startswith("line 1501: not UTF-8 text")
    assert "line 501: a quoted field runs on to line 502" in "\n".join(listed)

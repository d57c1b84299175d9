"""`sitrep import` and `sitrep export --format ucdp` on UCDP GED files, as real subprocesses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_sitrep as sitrep
from tests.support.ucdp import GED_BAD_ROWS, GED_SAMPLE

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_ucdp_import_export_and_reimport(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'ucdp.db'}"
    first = sitrep("import", str(GED_SAMPLE), "--db", db)  # the format from the header
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("imported 13 events (13 new, 0 updated, 0 unchanged)")
    again = sitrep("import", str(GED_SAMPLE), "--format", "ucdp", "--db", db)
    assert "(0 new, 0 updated, 13 unchanged), 0 rows skipped" in again.stdout
    out = tmp_path / "export.csv"
    export = sitrep("export", "--format", "ucdp", "-o", str(out), "--db", db)
    assert export.returncode == 0, export.stderr
    assert export.stderr.strip() == f"exported 13 events to {out}"
    assert out.read_text(encoding="utf-8").startswith("id,relid,year,active_year,")
    back = sitrep("import", str(out), "--db", db)
    assert back.returncode == 0, back.stderr
    assert "(0 new, 0 updated, 13 unchanged), 0 rows skipped" in back.stdout


def test_ucdp_bad_rows_and_wrong_columns(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'bad.db'}"
    lenient = sitrep("import", str(GED_BAD_ROWS), "--db", db)
    assert lenient.returncode == 0, lenient.stderr
    assert "(3 new, 0 updated, 0 unchanged), 12 rows skipped" in lenient.stdout
    assert "line 3: unparseable date_start '2013-02-30'" in lenient.stderr
    acled = FIXTURES / "acled_sample.csv"
    wrong = sitrep("import", str(acled), "--format", "ucdp", "--db", db)
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert wrong.stderr.strip().splitlines() == [
        f"sitrep: {acled} is not a UCDP GED CSV: missing columns id, date_start, side_a, "
        "side_b, where_coordinates, best (needs at least id, date_start, side_a, side_b, "
        "where_coordinates, country, best); nothing imported"
    ]

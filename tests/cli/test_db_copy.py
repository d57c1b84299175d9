"""`sitrep db copy`, run as a real subprocess: SQLite → SQLite, SQLite → PostgreSQL, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import dbtools
from tests.support.cli import run_sitrep as sitrep

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SUMMARY = re.compile(r"^copied (\d+) tables, (\d+) rows in [\d.]+ s \([\d,]+ rows/s\); ")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding the ACLED sample (15 events, their sources, the gazetteer)."""
    url = dbtools.sqlite_url(tmp_path_factory.mktemp("cli-copy") / "source.db")
    proc = sitrep("import", str(FIXTURES / "acled_sample.csv"), "--db", url)
    assert proc.returncode == 0, proc.stderr
    return url


def _export(url: str) -> str:
    proc = sitrep("export", "--db", url)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_copy_to_sqlite_then_refuse_a_second_copy(source: str, tmp_path: Path) -> None:
    dest = dbtools.sqlite_url(tmp_path / "copy.db")
    proc = sitrep("db", "copy", "--from", source, "--to", dest)
    assert proc.returncode == 0, proc.stderr
    match = SUMMARY.match(proc.stdout)
    assert match is not None, proc.stdout
    assert int(match.group(1)) >= 18 and int(match.group(2)) > 15 + 20
    lines = proc.stderr.splitlines()
    assert lines[0] == f"copying {source} → {dest}"
    assert re.search(r"^  events +15 rows +[\d.]+ s$", proc.stderr, re.M), proc.stderr
    assert lines[1:] == [
        ln for ln in lines[1:] if re.match(r"^  \w+ +[\d,]+ rows +[\d.]+ s$", ln)
    ] + ["  rebuilding the full-text index…"]
    assert len(lines) == 2 + int(match.group(1))
    assert _export(dest) == _export(source)

    again = sitrep("db", "copy", "--from", source, "--to", dest)
    assert again.returncode == 2 and again.stdout == ""
    assert re.match(
        r"sitrep: the destination already holds data \([a-z_, ]*events[a-z_, ]*\); "
        r"nothing copied\.",
        again.stderr.splitlines()[-1],
    )
    assert "--replace" in again.stderr and "Traceback" not in again.stderr
    replaced = sitrep("db", "copy", "--from", source, "--to", dest, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert _export(dest) == _export(source)


def test_destination_defaults_to_database_url(source: str, tmp_path: Path) -> None:
    dest = dbtools.sqlite_url(tmp_path / "configured.db")
    proc = sitrep("db", "copy", "--from", source, env={"DATABASE_URL": dest})
    assert proc.returncode == 0, proc.stderr
    assert _export(dest) == _export(source)


@pytest.mark.pg
def test_copy_into_postgresql(source: str) -> None:
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, None) as pg:
        proc = sitrep("db", "copy", "--from", source, "--to", pg)
        assert proc.returncode == 0, proc.stderr
        assert SUMMARY.match(proc.stdout), proc.stdout
        assert proc.stderr.splitlines()[-1] == "  updating the planner's statistics (ANALYZE)…"
        assert _export(pg) == _export(source)
        current = sitrep("db", "current", "--db", pg)
        assert "up to date" in current.stdout


def test_refusals_exit_2_with_one_line(tmp_path: Path) -> None:
    old = dbtools.sqlite_url(tmp_path / "old.db")
    assert sitrep("db", "upgrade", "0004", "--db", old).returncode == 0
    dest = tmp_path / "never" / "dest.db"
    proc = sitrep("db", "copy", "--from", old, "--to", dbtools.sqlite_url(dest))
    assert proc.returncode == 2, proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last.startswith("sitrep: the source is at revision 0004, not at this version's head")
    assert "sitrep db upgrade --db SOURCE_URL" in last
    assert not dest.parent.exists()

    bad = sitrep("db", "copy", "--from", "mysql://root@x/db", "--to", dbtools.sqlite_url(dest))
    assert bad.returncode == 2
    assert bad.stderr.startswith("sitrep: --from: expected an async SQLAlchemy URL")
    missing = sitrep("db", "copy", "--from", dbtools.sqlite_url(tmp_path / "nope.db"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "nope.db").exists()

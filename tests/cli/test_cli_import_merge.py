"""`sitrep import` merges its rows with other sources' accounts (and says so) unless --no-merge;
an export imported back into its store changes nothing. Real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_sitrep as sitrep

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# An article's account of the port taken on 22 June (ACLED's AFGX0003 codes the same happening).
ARTICLE = {
    "key": "sitrep:0d7a1c2e5b9f40a1c3d2",
    "summary": "Insurgents on Tuesday overran the river port of Sher Khan Bandar.",
    "date": {"start": "2021-06-22", "end": None, "precision": "day"},
    "place": {"key": "sher-khan-bandar", "name": "Sher Khan Bandar", "as_written": "Sher Khan"},
    "actors": ["Taliban"],
    "actor1": ["Taliban"],
    "event_type": "Battles",
    "sub_event_type": "Non-state actor overtakes territory",
    "origin": "ingest",
    "sources": [{"outlet": "Daily One", "url": "https://example.org/one", "title": "Port falls"}],
}


def _with_article(tmp_path: Path, name: str) -> str:
    db = f"sqlite+aiosqlite:///{tmp_path / name}"
    path = tmp_path / "article.jsonl"
    path.write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    done = sitrep("import", str(path), "--db", db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported 1 event (1 new, 0 updated, 0 unchanged), 0 rows skipped"
    return db


def test_import_reports_its_merges_and_an_export_comes_back_unchanged(tmp_path: Path) -> None:
    db = _with_article(tmp_path, "merge.db")
    done = sitrep("import", str(FIXTURES / "acled_sample.csv"), "--db", db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "imported 15 events (15 new, 0 updated, 0 unchanged), 0 rows skipped, 1 place added; "
        "1 event merged with other sources' accounts"
    )
    for fmt, rows in (("jsonl", 16), ("acled", 16)):
        out = tmp_path / f"export.{fmt}"
        exported = sitrep("export", "--format", fmt, "--output", str(out), "--db", db)
        assert exported.returncode == 0, exported.stderr
        again = sitrep("import", str(out), "--format", fmt, "--db", db)
        assert again.stdout.strip() == (
            f"imported {rows} events (0 new, 0 updated, {rows} unchanged), 0 rows skipped"
        )


def test_no_merge_leaves_the_accounts_apart(tmp_path: Path) -> None:
    db = _with_article(tmp_path, "apart.db")
    done = sitrep("import", str(FIXTURES / "acled_sample.csv"), "--no-merge", "--db", db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "imported 15 events (15 new, 0 updated, 0 unchanged), 0 rows skipped, 1 place added"
    )

"""Imports into a SQLite file through the writer process: the same store as in-process, whole
after a batch it cannot store or a writer that dies, and nothing of a failed batch kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.bootstrap import Services
from bot.domain.bulk.importer import import_file
from bot.domain.events.model import EventStatus
from bot.sim.bench import write_acled_csv
from bot.store import sqlitewriter
from bot.store.atlas import world_gazetteer
from bot.store.bulk import sqlite_file
from tests.support import dbtools
from tests.support.bulk import domain_at, export_text, populate

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

ROWS = 1_234


async def _raw(domain: Services, sql: str) -> list[tuple[Any, ...]]:
    async with domain.sessions() as session:
        return [tuple(r) for r in (await session.execute(text(sql))).all()]


async def _stored(domain: Services) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every events and sources row as stored (ids included), and the FTS5 self-check."""
    async with domain.sessions.begin() as session:
        await session.execute(
            text("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)")
        )
    events = await _raw(domain, "SELECT * FROM events ORDER BY id")
    sources = await _raw(domain, "SELECT * FROM sources ORDER BY id")
    return events, sources


@pytest.fixture
def acled_csv(tmp_path: Path) -> Path:

    path = tmp_path / "acled.csv"
    write_acled_csv(path, ROWS, world_gazetteer())
    return path


@pytest.fixture
def two_dbs(sqlite_template: Path, tmp_path: Path) -> tuple[str, str]:
    return (
        dbtools.copy_sqlite(sqlite_template, tmp_path),
        dbtools.copy_sqlite(sqlite_template, tmp_path),
    )


async def test_the_writer_process_stores_exactly_what_the_import_stores_in_process(
    acled_csv: Path, two_dbs: tuple[str, str]
) -> None:
    here, there = two_dbs
    async with domain_at(here) as domain:
        inline = await import_file(domain, acled_csv, batch_size=300, writer_process=False)
        expected = await _stored(domain)
        trigger = await _raw(domain, "SELECT sql FROM sqlite_master WHERE name = 'events_fts_ai'")
    async with domain_at(there) as domain:
        assert sqlite_file(domain.engine) is not None
        # the default batches: 500 rows first, then twice as many (here the remaining 734)
        report = await import_file(domain, acled_csv, writer_process=True)
        got = await _stored(domain)
        assert (
            await _raw(domain, "SELECT sql FROM sqlite_master WHERE name = 'events_fts_ai'")
            == trigger
        )
        hits = await _raw(
            domain,
            "SELECT e.external_key FROM events_fts JOIN events e ON e.id = events_fts.rowid "
            "WHERE events_fts MATCH '\"note 1233\"'",
        )
        again = await import_file(domain, acled_csv, batch_size=300, writer_process=True)
    assert (report.created, report.bad_rows, report.places_added) == (
        inline.created,
        [],
        inline.places_added,
    )
    assert report.created == ROWS
    assert got == expected  # row for row, column for column, ids included
    assert len(got[1]) >= ROWS
    assert hits == [("acled:AFGB0001233",)]
    assert (again.created, again.unchanged) == (0, ROWS)


async def test_retracted_rows_of_a_jsonl_file_keep_their_status_through_the_writer(
    two_dbs: tuple[str, str], tmp_path: Path
) -> None:
    here, there = two_dbs
    async with domain_at(here) as domain:
        await populate(domain)
        exported = await export_text(domain)
    path = tmp_path / "copy.jsonl"
    path.write_text(exported, encoding="utf-8")
    async with domain_at(there) as domain:
        report = await import_file(domain, path, writer_process=True, batch_size=5)
        assert (report.created, report.bad_rows) == (17, [])
        assert await export_text(domain) == exported
        assert await domain.events.count(statuses=[EventStatus.RETRACTED]) == 1


async def test_a_batch_the_writer_cannot_store_is_stored_by_key_and_nothing_doubles(
    acled_csv: Path, two_dbs: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer stored a key between the lookup and the insert: the writer's batch fails
    whole (unique key), and its rows are stored by key in this process instead."""
    url, _ = two_dbs
    async with domain_at(url) as domain:
        first = await import_file(domain, acled_csv, batch_size=400, writer_process=True)
        async with domain.sessions.begin() as session:
            await session.execute(
                text("UPDATE events SET summary = 'edited elsewhere' WHERE id % 100 = 7")
            )

        async def nothing_stored(keys: object) -> set[str]:
            return set()

        monkeypatch.setattr(domain.events, "stored_keys", nothing_stored)
        again = await import_file(domain, acled_csv, batch_size=400, writer_process=True)
        count = await _raw(domain, "SELECT count(*), count(DISTINCT external_key) FROM events")
        edited = await _raw(domain, "SELECT count(*) FROM events WHERE summary LIKE 'edited%'")
        await _stored(domain)  # the full-text index is whole
    assert first.created == ROWS
    # every batch failed in the writer and was stored by key here (the careful path counts a
    # row it stores by key as updated); the edited rows are put back, nothing doubles
    assert (again.created, again.updated, again.bad_rows) == (0, ROWS, [])
    assert count == [(ROWS, ROWS)]
    assert edited == [(0,)]


@pytest.mark.parametrize("when", ["at start", "after a batch"])
async def test_a_writer_that_dies_leaves_the_import_whole(
    acled_csv: Path, two_dbs: tuple[str, str], monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    started: list[sqlitewriter.WriterProcess] = []
    real_init = sqlitewriter.WriterProcess.__init__
    real_answer = sqlitewriter.WriterProcess._answer

    def init(self: sqlitewriter.WriterProcess, database: str) -> None:
        real_init(self, database)
        started.append(self)
        if when == "at start":
            self._proc.kill()
            self._proc.wait()

    answered: list[int] = []

    def answer(self: sqlitewriter.WriterProcess) -> int:
        first = real_answer(self)
        answered.append(first)
        if when == "after a batch" and len(answered) == 1:
            self._proc.kill()
            self._proc.wait()
        return first

    monkeypatch.setattr(sqlitewriter.WriterProcess, "__init__", init)
    monkeypatch.setattr(sqlitewriter.WriterProcess, "_answer", answer)
    url, _ = two_dbs
    async with domain_at(url) as domain:
        report = await import_file(domain, acled_csv, batch_size=400, writer_process=True)
        count = await _raw(domain, "SELECT count(*), count(DISTINCT external_key) FROM events")
        await _stored(domain)
    assert len(started) == 1 and started[0]._proc.poll() is not None
    assert (report.created, report.bad_rows) == (ROWS, [])
    assert count == [(ROWS, ROWS)]
    assert answered == ([] if when == "at start" else [1])


def test_a_child_answers_an_error_for_a_batch_it_cannot_store(tmp_path: Path) -> None:
    """The child itself, on a database without the tables: the error, then it serves on."""
    import sqlite3
    import subprocess
    import sys

    db = tmp_path / "plain.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, summary TEXT UNIQUE)")
        conn.execute("CREATE TABLE sources (event_id INTEGER, outlet TEXT)")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.store.sqlitewriter", str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    ok = sqlitewriter.Batch(
        events_sql="INSERT INTO events (id, summary) VALUES (?, ?)",
        events=[("a",), ("b",)],
        sources_sql="INSERT INTO sources (event_id, outlet) VALUES (?, ?)",
        sources=[(0, "Tolo"), (1, "AP")],
        trigger="no_such_trigger",
        index_sql="SELECT ?",
    )
    clash = sqlitewriter.Batch(
        events_sql=ok.events_sql,
        events=[("c",), ("a",)],  # "a" is stored: the unique summary fails the batch
        sources_sql=ok.sources_sql,
        sources=[(0, "Reuters")],
        trigger=ok.trigger,
        index_sql=ok.index_sql,
    )
    after = sqlitewriter.Batch(
        events_sql=ok.events_sql,
        events=[("d",)],
        sources_sql=ok.sources_sql,
        sources=[(0, "Pajhwok")],
        trigger=ok.trigger,
        index_sql=ok.index_sql,
    )
    replies = []
    for batch in (ok, clash, after):
        proc.stdin.write(batch.pack())
        proc.stdin.flush()
        replies.append(sqlitewriter._read_message(proc.stdout))
    proc.stdin.close()
    assert proc.wait(timeout=10) == 0
    proc.stdout.close()
    with sqlite3.connect(db) as conn:
        events = conn.execute("SELECT id, summary FROM events ORDER BY id").fetchall()
        sources = conn.execute("SELECT event_id, outlet FROM sources ORDER BY rowid").fetchall()
    assert replies[0] == ("ok", 1)
    assert replies[1][:2] == ("error", "IntegrityError")
    assert replies[2] == ("ok", 3)
    assert events == [(1, "a"), (2, "b"), (3, "d")]
    assert sources == [(1, "Tolo"), (2, "AP"), (3, "Pajhwok")]

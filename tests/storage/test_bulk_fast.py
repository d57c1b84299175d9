"""The bulk-load path: fast inserts store exactly what the ORM stores, and the index stays whole."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import Services
from bot.domain.bulk.exporting import export_events
from bot.domain.bulk.importer import import_file
from bot.domain.bulk.reading import Format
from bot.domain.events.model import (
    ClaimStatus,
    EventDraft,
    EventStatus,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.questions.timetypes import FuzzyDate, Precision
from bot.sim.bench import write_acled_csv
from tests.support import dbtools
from tests.support.bulk import SAMPLE, domain_at

KABUL = timezone(timedelta(hours=4, minutes=30))

DRAFTS = [
    EventDraft(
        summary="Taliban seized the Islam Qala crossing to Iran.",
        when=FuzzyDate.day(date(2021, 7, 8)),
        place_key="islam-qala",
        place_text="Islam Qala",
        actors=("Taliban", "Afghan border police"),
        event_type="Battles",
        sub_event_type="Armed clash",
        severity=Severity.FLASH,
        fatalities=3,
        sources=(
            SourceInfo("Tolo News", "https://tolonews.example/1", "Islam Qala falls",
                       published_at=datetime(2021, 7, 8, 23, 30, tzinfo=KABUL)),
            SourceInfo("Pajhwok", published_on=date(2021, 7, 8)),
            SourceInfo("Pajhwok", published_on=date(2021, 7, 9)),  # same outlet and URL: once
        ),
    ),
    EventDraft(
        summary="Clashes reported around Kunduz city in the week.",
        when=FuzzyDate(date(2021, 7, 5), Precision.WEEK),
        place_text="somewhere near Kunduz",
        location_precision=LocationPrecision.REGION,
        claim_status=ClaimStatus.CLAIMED,
        claim_note="claimed by the Taliban spokesman",
        status=EventStatus.DRAFT,
        reviewed=False,
    ),
    EventDraft(
        summary="Talks in Doha, no date given beyond the month.",
        when=FuzzyDate.month(2021, 8),
        place_key="kabul",
        place_text="Kabul",
        origin=Origin.INGEST,
    ),
]  # fmt: skip


def _keyed(prefix: str) -> list[EventDraft]:
    return [replace(d, external_key=f"{prefix}:{i}") for i, d in enumerate(DRAFTS)]


async def _raw(domain: Services, sql: str) -> list[tuple[Any, ...]]:
    async with domain.sessions() as session:
        return [tuple(r) for r in (await session.execute(text(sql))).all()]


async def _event_rows(domain: Services, prefix: str) -> list[tuple[Any, ...]]:
    """Every stored column of the prefix's events, as the database holds them (no id, no key)."""
    rows = await _raw(
        domain,
        "SELECT * FROM events WHERE external_key LIKE '" + prefix + ":%' ORDER BY external_key",
    )
    columns = [c for c in (await _columns(domain, "events"))]
    skip = {columns.index("id"), columns.index("external_key")}
    return [tuple(v for i, v in enumerate(r) if i not in skip) for r in rows]


async def _source_rows(domain: Services, prefix: str) -> list[tuple[Any, ...]]:
    return await _raw(
        domain,
        "SELECT e.external_key, s.outlet, s.url, s.title, s.published_at, s.published_on, "
        "s.article_id FROM sources s JOIN events e ON e.id = s.event_id "
        "WHERE e.external_key LIKE '" + prefix + ":%' ORDER BY e.external_key, s.id",
    )


async def _columns(domain: Services, table: str) -> list[str]:
    async with domain.sessions() as session:
        result = await session.execute(text(f"SELECT * FROM {table} LIMIT 0"))
        return list(result.keys())


async def _fulltext_ok(domain: Services) -> None:
    """FTS5's own check that its index matches the events table (SQLite only)."""
    async with domain.sessions.begin() as session:
        await session.execute(
            text("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)")
        )


async def _insert_trigger(domain: Services) -> str | None:
    rows = await _raw(
        domain, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_fts_ai'"
    )
    return rows[0][0] if rows else None


async def test_fast_insert_stores_exactly_what_the_orm_stores(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        ids = await domain.events.insert_new(_keyed("fast"))
        for draft in _keyed("orm"):
            await domain.events.add(draft)
        fast, orm = await _event_rows(domain, "fast"), await _event_rows(domain, "orm")
        fast_src = [r[1:] for r in await _source_rows(domain, "fast")]
        orm_src = [r[1:] for r in await _source_rows(domain, "orm")]
        views = await domain.events.get_many(ids)
    assert len(fast) == 3 and fast == orm
    assert len(fast_src) == 2 and fast_src == orm_src
    assert [v.external_key for v in views] == ["fast:0", "fast:1", "fast:2"]
    first = views[0]
    assert first.reported_at == datetime(2021, 7, 8, tzinfo=UTC)  # the earliest source: its day
    assert first.sources[0].published_at == datetime(2021, 7, 8, 19, tzinfo=UTC)
    assert (views[1].status, views[1].reviewed) == (EventStatus.DRAFT, False)


async def test_a_batch_with_a_stored_key_changes_nothing(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        await domain.events.insert_new(_keyed("k")[:1])
        trigger = await _insert_trigger(domain) if db_url.startswith("sqlite") else None
        with pytest.raises(IntegrityError):
            await domain.events.insert_new(_keyed("k")[1:] + _keyed("k")[:1])
        assert await domain.events.count(statuses=tuple(EventStatus)) == 1
        assert await domain.events.stored_keys(["k:0", "k:1", "k:2"]) == {"k:0"}
        if db_url.startswith("sqlite"):
            assert trigger is not None and await _insert_trigger(domain) == trigger
            await _fulltext_ok(domain)


async def test_stored_keys_takes_any_number_of_keys(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        assert await domain.events.stored_keys([]) == set()
        await domain.events.insert_new(_keyed("s"))
        many = [f"none:{i}" for i in range(5_000)] + ["s:2", "s:0", 'O\'Brien "quoted"']
        assert await domain.events.stored_keys(many) == {"s:0", "s:2"}


@pytest.mark.slow
async def test_a_large_pipelined_import_is_whole_and_searchable(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    async with domain_at(db_url) as domain:
        write_acled_csv(path, 2_345, domain.gazetteer)
        trigger = await _insert_trigger(domain) if db_url.startswith("sqlite") else None
        # batches of 700 rows: several in flight one after another, chunks of 1,000 rows and
        # a remainder inside the insert
        report = await import_file(domain, path, fmt=Format.ACLED, batch_size=700)
        assert (report.created, report.bad_rows) == (2_345, [])
        assert await domain.events.count() == 2_345
        stored = await _raw(
            domain, "SELECT count(*), count(DISTINCT external_key), min(id), max(id) FROM events"
        )
        assert stored[0][:2] == (2_345, 2_345)
        assert stored[0][3] - stored[0][2] == 2_344  # ids run on without gaps
        sources = await _raw(domain, "SELECT count(*) FROM sources")
        assert sources[0][0] >= 2_345
        again = await import_file(domain, path, fmt=Format.ACLED, batch_size=700)
        assert (again.created, again.unchanged) == (0, 2_345)
        if db_url.startswith("sqlite"):
            await _fulltext_ok(domain)
            assert await _insert_trigger(domain) == trigger
            note = "Synthetic note 1234 for the import benchmark"
            hits = await _raw(
                domain,
                "SELECT e.external_key FROM events_fts JOIN events e ON e.id = events_fts.rowid "
                "WHERE events_fts MATCH '\"note 1234\"'",
            )
            assert hits == [("acled:AFGB0001234",)], note
            # the trigger still indexes events stored one at a time afterwards
            added = await domain.events.add(replace(DRAFTS[0], summary="Zaranj quietly fell"))
            hits = await _raw(
                domain, "SELECT rowid FROM events_fts WHERE events_fts MATCH 'quietly'"
            )
            assert hits == [(added.event.id,)]
            await _fulltext_ok(domain)


async def test_batch_size_does_not_change_what_is_stored(
    db_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    async with domain_at(db_url) as domain:
        await import_file(domain, SAMPLE, batch_size=2)
        small = io.StringIO()
        await export_events(domain, small)
    async with domain_at(dbtools.copy_sqlite(sqlite_template, tmp_path)) as domain:
        await import_file(domain, SAMPLE)
        whole = io.StringIO()
        await export_events(domain, whole)
    assert small.getvalue().count("\n") == 15
    assert small.getvalue() == whole.getvalue()

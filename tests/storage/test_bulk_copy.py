"""The bulk store's insert of new events (COPY on PostgreSQL, driver inserts on SQLite) stores
exactly what the ORM stores, and a batch holding a stored key stores nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from bot.bootstrap import Services
from bot.domain.bulk.ports import StoreRefused, WriterFailed
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
from bot.store.draft_tuples import EVENT_COLUMNS, SOURCE_COLUMNS, DraftTuples
from bot.store.event_rows import row_values, source_values
from tests.support.bulk import domain_at

DRAFTS = [
    EventDraft(
        summary="Shelling hit the northern suburbs; two people were killed.",
        when=FuzzyDate.day(date(2021, 5, 3)),
        place_key="kabul",
        place_text="Kabul",
        actors=("Militia A", "Civilians"),
        actor1=("Militia A", "Militia B"),
        actor2=("Civilians",),
        injuries=7,
        excerpt="Shelling hit the northern suburbs;\ntwo people were killed.",
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        severity=Severity.NOTABLE,
        fatalities=2,
        sources=(
            SourceInfo("Outlet One", "https://one.example/a", "Suburbs shelled",
                       published_at=datetime(2021, 5, 3, 21, 15, tzinfo=UTC)),
            SourceInfo("Outlet Two", published_on=date(2021, 5, 4)),
        ),
        origin=Origin.IMPORT,
    ),
    EventDraft(
        summary="Protest reported in the month, place only roughly known.",
        when=FuzzyDate(date(2021, 5, 1), Precision.MONTH),
        place_text="around the old market",
        location_precision=LocationPrecision.REGION,
        claim_status=ClaimStatus.CLAIMED,
        claim_note="organisers' own count",
        status=EventStatus.DRAFT,
        reviewed=False,
        origin=Origin.IMPORT,
    ),
]  # fmt: skip


def _keyed(prefix: str) -> list[EventDraft]:
    return [replace(d, external_key=f"{prefix}:{i}") for i, d in enumerate(DRAFTS)]


async def _rows(domain: Services, sql: str) -> list[tuple[Any, ...]]:
    async with domain.sessions() as session:
        result = await session.execute(text(sql))
        names = list(result.keys())
        skip = {i for i, n in enumerate(names) if n in {"id", "event_id", "external_key"}}
        return [tuple(v for i, v in enumerate(r) if i not in skip) for r in result.all()]


async def _stored(domain: Services, prefix: str) -> tuple[list[Any], list[Any]]:
    like = f"LIKE '{prefix}:%'"
    events = await _rows(
        domain, f"SELECT * FROM events WHERE external_key {like} ORDER BY external_key"
    )
    sources = await _rows(
        domain,
        "SELECT s.*, e.external_key FROM sources s JOIN events e ON e.id = s.event_id "
        f"WHERE e.external_key {like} ORDER BY e.external_key, s.outlet",
    )
    return events, sources


async def test_bulk_insert_stores_what_the_orm_stores(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        ids = await domain.bulk.insert_new(_keyed("bulk"))
        for draft in _keyed("orm"):
            await domain.events.add(draft)
        bulk, orm = await _stored(domain, "bulk"), await _stored(domain, "orm")
        views = await domain.events.get_many(ids)
    assert len(bulk[0]) == 2 and bulk[0] == orm[0]
    assert len(bulk[1]) == 2 and bulk[1] == orm[1]
    assert [v.external_key for v in views] == ["bulk:0", "bulk:1"]
    assert (views[0].actor1, views[0].actor2, views[0].injuries) == (
        ("Militia A", "Militia B"),
        ("Civilians",),
        7,
    )
    assert views[0].excerpt == DRAFTS[0].excerpt


async def test_a_batch_with_a_stored_key_is_refused_whole(db_url: str) -> None:
    async with domain_at(db_url) as domain:
        await domain.bulk.insert_new(_keyed("k")[:1])
        with pytest.raises(StoreRefused):
            await domain.bulk.insert_new(_keyed("k")[1:] + _keyed("k")[:1])
        assert await domain.events.count(statuses=tuple(EventStatus)) == 1
        assert await domain.events.stored_keys(["k:0", "k:1"]) == {"k:0"}
        # the store still works after the refused batch
        assert len(await domain.bulk.insert_new(_keyed("k")[1:])) == 1


def test_draft_tuples_are_the_orm_row_values() -> None:
    first = datetime(2021, 6, 1, 12, 0, tzinfo=UTC)
    tuples = DraftTuples(first, 7)
    # batch after batch: what the drafts share is remembered, `now` and the author are not
    for now, by, draft in [(first, 7, d) for d in DRAFTS] + [
        (datetime(2021, 6, 2, tzinfo=UTC), None, d) for d in _keyed("t")
    ]:
        tuples.batch(now, by)
        row = row_values(draft, now, by)
        assert tuples.event(draft) == tuple(row[c] for c in EVENT_COLUMNS)
        sources = [s for s in source_values(0, draft)]
        assert tuples.sources(draft) == [tuple(s[c] for c in SOURCE_COLUMNS) for s in sources]


def test_draft_tuples_bind_values_as_the_dialect_does() -> None:
    from sqlalchemy.dialects.sqlite.aiosqlite import dialect

    from bot.store.bulkinsert import ColumnValues
    from bot.store.event_inserts import EVENTS, SOURCES

    now = datetime(2021, 6, 1, 12, 0, tzinfo=UTC)
    events = ColumnValues(EVENTS, EVENT_COLUMNS, dialect())
    sources = ColumnValues(SOURCES, SOURCE_COLUMNS, dialect())
    assert events.processors  # dates and times are bound as text on SQLite
    plain, bound = DraftTuples(now, None), DraftTuples(now, None, events.processors)
    for draft in DRAFTS:
        assert bound.event(draft) == events.converted([plain.event(draft)])[0]
    bound = DraftTuples(now, None, {**events.processors, **sources.processors})
    for draft in DRAFTS:
        assert bound.sources(draft) == sources.converted(plain.sources(draft))


async def test_the_writer_beside_the_importer_stores_a_batch_whole_or_not_at_all(
    db_url: str,
) -> None:
    async with domain_at(db_url) as domain:
        writer = domain.bulk.open_writer()
        if writer is None:  # a store without one (an in-memory SQLite database)
            pytest.skip("this store has no writer")
        try:
            ids = await writer.prepare(_keyed("w"))()
            assert [v.external_key for v in await domain.events.get_many(ids)] == ["w:0", "w:1"]
            with pytest.raises(WriterFailed):
                await writer.prepare(_keyed("v")[:1] + _keyed("w")[1:])()
        finally:
            await writer.close()
        assert await domain.events.stored_keys(["v:0", "w:0", "w:1"]) == {"w:0", "w:1"}

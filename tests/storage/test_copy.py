"""`bot.store.copy`: a whole store copied SQLite → PostgreSQL, PostgreSQL → SQLite and SQLite →
SQLite, row for row, with sequences moved on and full-text search working on the copy."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean, DateTime, Table, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.filters import EventFilter
from bot.domain.events.model import EventDraft, Severity, SourceInfo
from bot.domain.people.seen import SeenChat, SeenUser
from bot.domain.questions.timetypes import FuzzyDate
from bot.store.copy import CopyRefused, TableCopy, copy_store, tables
from bot.store.migrate import current_revision, head_revision, upgrade
from bot.store.models.base import Base
from bot.store.models.delivery import RateBucketRow
from bot.store.search import search_event_ids
from bot.store.session import create_engine, create_sessionmaker
from tests.support import dbtools
from tests.support.question_events import KABUL, NOW, store_events

# Whole stores imported or copied per test: the full suite runs them, not the fast tier.
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = (FIXTURES / "afghanistan-border-2021-07.txt").read_text(encoding="utf-8")
# Every table the seed fills; a table added later is copied too, but may be empty here.
SEEDED = {
    "allowlist",
    "articles",
    "audit_log",
    "chats",
    "editions",
    "key_figures",
    "places",
    "question_log",
    "rate_buckets",
    "users",
    "admins",
    "edition_parts",
    "events",
    "outbox",
    "pushes",
    "subscriptions",
    "edition_events",
    "sources",
}
TERMS = (("taliban",),)  # a word in several fixture events, the same after either stemmer


def _settings(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url, default_timezone="Asia/Kabul")  # type: ignore[call-arg]


async def _seed(domain: Services, clock: FixedClock) -> None:
    """Fill every kind of table through the services, as the bot would."""
    await domain.people.record_seen(SeenChat(101, "private"), SeenUser(101, "Amina", "amina", "en"))
    await domain.people.record_seen(
        SeenChat(-201, "supergroup", "Desk", "desk", is_forum=True), SeenUser(102, "Bo")
    )
    await domain.access.add_admin(102, by=101)
    await domain.access.allow(103, note="stringer", by=101)
    await domain.audit.record(101, "test.seed", "store", "seeded for the copy test")
    await domain.places.add_place("Copyville", lat=34.5, lon=62.1, aliases=["Kopi"], by=101)
    ids = await store_events(domain.events)
    await domain.ingest.ingest(SEED, published=date(2021, 7, 9), outlet="AP", url="https://x/1")
    await domain.figures.add("Displaced this year: 270,000 | 2021-07-09 | UNHCR", today=NOW.date())
    await domain.question_log.record(101, 101, ["herat", "islam-qala"], 2)
    view, _ = await domain.subscriptions.subscribe(101, places=["herat"], timezone="Asia/Kabul")
    await domain.subscriptions.subscribe(-201, chat_type="supergroup", thread_id=7)
    assert view.next_due_at is not None
    clock.advance(view.next_due_at - clock.now())
    await domain.briefings.tick()
    push = await domain.pushes.compose(
        "events", by=102, admin_chat_id=102, tz=KABUL, event_ids=list(ids.values())[:3]
    )
    await domain.pushes.confirm(push.id, by=102)
    claimed = await domain.outbox.claim("copy-test", 1)
    await domain.outbox.mark_sent(claimed[0].id, 555)
    async with domain.sessions.begin() as session:
        session.add(RateBucketRow(name="global", next_at=1626325200.25))


def _build_source(path: Path) -> str:
    url = dbtools.sqlite_url(path)

    async def go() -> None:
        await upgrade(url)
        clock = FixedClock(NOW)
        async with open_services(_settings(url), clock) as domain:
            await _seed(domain, clock)

    asyncio.run(go())
    return url


@pytest.fixture(scope="module")
def source_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded SQLite store, shared: the copy only reads it."""
    return _build_source(tmp_path_factory.mktemp("copy-src") / "source.db")


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=[pytest.mark.pg, pytest.mark.slow])]
)
def dest_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (not even migrated) on each backend."""
    if request.param == "sqlite":
        yield dbtools.sqlite_url(tmp_path / "dest" / "copy.db")
        return
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, None) as url:
        yield url


@pytest.fixture
def empty_pg() -> Iterator[str]:
    """An empty PostgreSQL database (skipped when PostgreSQL tests are off)."""
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, None) as url:
        yield url


async def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every model table's rows, through the column types, ordered by primary key."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            out = {}
            for table in tables():
                stmt = select(*table.c).order_by(*table.primary_key.columns)
                out[table.name] = [tuple(r) for r in (await conn.execute(stmt)).all()]
            return out
    finally:
        await engine.dispose()


def _check_types(table: Table, rows: list[tuple[Any, ...]]) -> None:
    """Instants come back aware UTC, booleans as booleans, dates as dates."""
    for i, column in enumerate(table.c):
        for row in rows:
            value = row[i]
            if value is None:
                continue
            if isinstance(column.type, DateTime):
                assert value.utcoffset() == timedelta(0), (table.name, column.name, value)
            elif isinstance(column.type, Boolean):
                assert type(value) is bool, (table.name, column.name, value)


async def _search(url: str) -> list[int]:
    engine: AsyncEngine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await search_event_ids(session, EventFilter(term_groups=TERMS), limit=100)
    finally:
        await engine.dispose()


async def _assert_same_store(source: str, dest: str) -> None:
    want, got = await _rows(source), await _rows(dest)
    assert set(got) == {t.name for t in Base.metadata.sorted_tables}
    for table in tables():
        assert got[table.name] == want[table.name], table.name
        _check_types(table, got[table.name])
    assert await current_revision(dest) == head_revision()
    found = await _search(dest)
    assert found and found == await _search(source)


async def _assert_fresh_ids(url: str, source_rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """New rows on the copy get ids after the copied ones (sequences moved on)."""
    clock = FixedClock(NOW + timedelta(days=1))
    async with open_services(_settings(url), clock) as domain:
        added = await domain.events.add(
            EventDraft(
                summary="Copy check: Taliban fighters entered Copyville",
                when=FuzzyDate.day(date(2021, 7, 16)),
                place_key="herat",
                place_text="Herat",
                event_type="Battles",
                severity=Severity.NOTABLE,
                sources=(SourceInfo("Wire", "https://example.org/copy-check"),),
            )
        )
        assert added.created
        assert added.event.id == max(r[0] for r in source_rows["events"]) + 1
        await domain.audit.record(101, "test.after", "copy")
        figure = await domain.figures.add("Checkpoints: 12 | 2021-07-15", today=date(2021, 7, 16))
        assert figure.id == max(r[0] for r in source_rows["key_figures"]) + 1
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            audit = (await conn.execute(text("SELECT max(id) FROM audit_log"))).scalar_one()
            assert audit == max(r[0] for r in source_rows["audit_log"]) + 1
    finally:
        await engine.dispose()
    assert added.event.id in await _search(url)


async def test_the_seed_fills_every_table(source_url: str) -> None:
    rows = await _rows(source_url)
    assert not {name for name, r in rows.items() if not r} & SEEDED
    assert set(rows) >= SEEDED


async def test_copy_every_table_row_for_row(source_url: str, dest_url: str) -> None:
    steps: list[TableCopy] = []
    report = await copy_store(source_url, dest_url, chunk_rows=20, progress=steps.append)
    source_rows = await _rows(source_url)
    assert [t.name for t in report.tables] == [t.name for t in tables()]
    assert report.rows == sum(len(r) for r in source_rows.values())
    assert report.unknown_tables == ()
    biggest = max(source_rows, key=lambda name: len(source_rows[name]))
    assert len(source_rows[biggest]) > 40  # copied in chunks of 20, each step reported
    chunks = [s for s in steps if s.name == biggest]
    assert len(chunks) > 2 and chunks[-1].done and chunks[-1].rows == len(source_rows[biggest])
    await _assert_same_store(source_url, dest_url)
    await _assert_fresh_ids(dest_url, source_rows)


@pytest.mark.slow
@pytest.mark.pg
async def test_postgresql_back_to_sqlite(source_url: str, empty_pg: str, tmp_path: Path) -> None:
    back = dbtools.sqlite_url(tmp_path / "back.db")
    await copy_store(source_url, empty_pg)
    await copy_store(empty_pg, back)
    await _assert_same_store(source_url, back)
    await _assert_fresh_ids(back, await _rows(source_url))


async def test_a_destination_with_data_is_refused_unless_replaced(
    source_url: str, dest_url: str
) -> None:
    await upgrade(dest_url)
    clock = FixedClock(datetime(2022, 1, 1, tzinfo=UTC))
    async with open_services(_settings(dest_url), clock) as domain:
        await domain.audit.record(9, "already.here")
    before = await _rows(dest_url)
    with pytest.raises(CopyRefused, match=r"already holds data \(.*audit_log.*\)"):
        await copy_store(source_url, dest_url)
    assert await _rows(dest_url) == before
    await copy_store(source_url, dest_url, replace=True)
    await _assert_same_store(source_url, dest_url)


async def test_a_failed_copy_leaves_the_destination_empty(source_url: str, dest_url: str) -> None:
    await upgrade(dest_url)
    engine = create_engine(dest_url)
    try:
        async with engine.begin() as conn:  # a real failure half-way: sources come last
            if conn.dialect.name == "sqlite":
                await conn.exec_driver_sql(
                    "CREATE TRIGGER boom BEFORE INSERT ON sources "
                    "BEGIN SELECT RAISE(ABORT, 'boom'); END"
                )
            else:
                await conn.exec_driver_sql(
                    "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql "
                    "AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$"
                )
                await conn.exec_driver_sql(
                    "CREATE TRIGGER boom BEFORE INSERT ON sources "
                    "FOR EACH ROW EXECUTE FUNCTION boom()"
                )
    finally:
        await engine.dispose()
    with pytest.raises(Exception, match="boom"):
        await copy_store(source_url, dest_url)
    assert all(rows == [] for rows in (await _rows(dest_url)).values())


async def test_a_source_behind_head_is_refused_and_nothing_is_written(
    tmp_path: Path, dest_url: str
) -> None:
    old = dbtools.sqlite_url(tmp_path / "old.db")
    await upgrade(old, "0004")
    with pytest.raises(CopyRefused, match=r"sitrep db upgrade --db"):
        await copy_store(old, dest_url)
    if dest_url.startswith("sqlite"):
        assert not (tmp_path / "dest").exists()
    else:
        assert await current_revision(dest_url) is None
    assert await current_revision(old) == "0004"


async def test_nonsense_sources_are_refused(tmp_path: Path, source_url: str) -> None:
    with pytest.raises(CopyRefused, match="same database"):
        await copy_store(source_url, source_url)
    missing = dbtools.sqlite_url(tmp_path / "missing.db")
    with pytest.raises(CopyRefused, match="does not exist"):
        await copy_store(missing, dbtools.sqlite_url(tmp_path / "d.db"))
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "d.db").exists()
    empty = dbtools.sqlite_url(tmp_path / "empty.db")
    (tmp_path / "empty.db").touch()
    with pytest.raises(CopyRefused, match="not a Sitrep database"):
        await copy_store(empty, dbtools.sqlite_url(tmp_path / "d.db"))

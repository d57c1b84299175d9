"""Re-importing an export into the store it came from changes nothing, and an export brings the
same events into an empty store, for every format, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.bootstrap import Services
from bot.domain.bulk.reading import Format
from bot.domain.bulk.reimport import ImportRun, import_and_merge
from bot.store.event_keys import EventKeys
from tests.conftest import BACKENDS
from tests.support import dbtools
from tests.support.bulk import domain_at, export_text
from tests.support.mixed_store import counts, fill_mixed_store


async def _import(domain: Services, path: Path, *, merge: bool = True) -> ImportRun:
    return await import_and_merge(
        domain,
        EventKeys(domain.sessions),
        domain.merges,
        path,
        merge=merge,
        actors=domain.actors.registry,
    )


async def _fill(url: str, tmp: Path) -> None:
    async with domain_at(url) as domain:
        await fill_mixed_store(domain, tmp)


@pytest.fixture(scope="module", params=BACKENDS)
def mixed_template(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    pg_template: str | None,
) -> Iterator[tuple[str, str]]:
    """A store of every kind of event, built once per backend: (backend, file or database)."""
    tmp = tmp_path_factory.mktemp("mixed")
    if request.param == "sqlite":
        url = dbtools.copy_sqlite(sqlite_template, tmp)
        asyncio.run(_fill(url, tmp))
        yield "sqlite", url.removeprefix("sqlite+aiosqlite:///")
        return
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, pg_template) as url:
        asyncio.run(_fill(url, tmp))
        yield "postgresql", url.rsplit("/", 1)[1]


@pytest.fixture
def mixed_url(mixed_template: tuple[str, str], tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the mixed store."""
    backend, where = mixed_template
    if backend == "sqlite":
        yield dbtools.copy_sqlite(Path(where), tmp_path)
        return
    base = dbtools.pg_url()
    assert base is not None
    with dbtools.pg_database(base, where) as url:
        yield url


@pytest.fixture
def empty_url(
    mixed_template: tuple[str, str],
    tmp_path: Path,
    sqlite_template: Path,
    pg_template: str | None,
) -> Iterator[str]:
    """An empty migrated store on the mixed store's backend."""
    if mixed_template[0] == "sqlite":
        empty = tmp_path / "empty"
        empty.mkdir()
        yield dbtools.copy_sqlite(sqlite_template, empty)
        return
    base = dbtools.pg_url()
    assert base is not None
    with dbtools.pg_database(base, pg_template) as url:
        yield url


@pytest.mark.parametrize("fmt", list(Format))
async def test_reimporting_an_export_into_its_store_changes_nothing(
    mixed_url: str, tmp_path: Path, fmt: Format
) -> None:
    async with domain_at(mixed_url) as domain:
        before = await counts(domain)
        assert before.merged >= 1 and before.events > before.published
        exported = await export_text(domain, fmt)
        path = tmp_path / f"export.{fmt.value}"
        path.write_text(exported, encoding="utf-8")
        run = await _import(domain, path)
        report = run.report
        assert (report.created, report.updated, report.bad_rows) == (0, 0, [])
        assert report.unchanged == len(exported.splitlines()) - (fmt is not Format.JSONL)
        assert run.merged == {}
        assert await counts(domain) == before
        assert await export_text(domain, fmt) == exported
        again = await _import(domain, path)
        assert (again.report.created, again.report.updated) == (0, 0)
        assert await counts(domain) == before


PLACE_COLUMNS = frozenset(
    {"admin1", "admin2", "admin3", "latitude", "longitude", "geom_wkt", "adm_1", "adm_2"}
)


def _unplaced(text: str) -> list[dict[str, str]]:
    """A CSV's rows without the columns a re-import finds again by name (places)."""
    rows = csv.DictReader(io.StringIO(text))
    return [{k: v for k, v in row.items() if k not in PLACE_COLUMNS} for row in rows]


@pytest.mark.parametrize("fmt", list(Format))
async def test_an_export_brings_the_same_events_into_an_empty_store(
    mixed_url: str, empty_url: str, tmp_path: Path, fmt: Format
) -> None:
    async with domain_at(mixed_url) as domain:
        exported = await export_text(domain, fmt)
        before = await counts(domain)
    path = tmp_path / f"export.{fmt.value}"
    path.write_text(exported, encoding="utf-8")
    async with domain_at(empty_url) as second:
        run = await _import(second, path)
        assert run.report.bad_rows == []
        assert run.report.created == len(exported.splitlines()) - (fmt is not Format.JSONL)
        if fmt is Format.JSONL:  # all of it: statuses, places, merges, sources
            assert await export_text(second, fmt) == exported
            assert await counts(second) == before
        else:  # a CSV's places are found again by name: the rest comes back as it was
            assert _unplaced(await export_text(second, fmt)) == _unplaced(exported)
        again = await _import(second, path)
        assert (again.report.created, again.report.updated, again.merged) == (0, 0, {})

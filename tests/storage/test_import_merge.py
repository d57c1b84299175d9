"""The merge pass after a bulk import: an article's account and a dataset's row of the same
happening become one event with both sources; rows of one dataset never merge together."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import Services
from bot.domain.bulk.reimport import import_and_merge
from bot.domain.events.merge_pass import merge_twins
from bot.store.event_keys import EventKeys
from bot.store.models.events import SourceRow
from tests.support.bulk import SAMPLE, domain_at
from tests.support.mixed_store import KUNDUZ


@pytest.fixture
async def domain(db_url: str) -> AsyncIterator[Services]:
    async with domain_at(db_url) as d:
        yield d


async def _article(domain: Services) -> int:
    """Ingest an article telling (among others) of the port taken on 22 June; its event id."""
    report = await domain.ingest.ingest(
        KUNDUZ.read_text(encoding="utf-8"),
        published=date(2021, 6, 22),
        outlet="Daily One",
        url="https://example.org/daily-one",
    )
    return next(e.id for e in report.created if e.place_key == "sher-khan-bandar")


def _with_a_second_row(path: Path) -> Path:
    """The ACLED sample plus a second coding of its port row (another id, another source)."""
    with SAMPLE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    twin = dict(next(r for r in rows if r["event_id_cnty"] == "AFGX0003"))
    twin |= {"event_id_cnty": "AFGX0103", "source": "Ariana News"}
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows([*rows, twin])
    return path


async def test_an_import_merges_its_rows_with_articles_of_the_same_happening(
    domain: Services, tmp_path: Path
) -> None:
    article = await _article(domain)
    path = _with_a_second_row(tmp_path / "acled.csv")
    run = await import_and_merge(
        domain, EventKeys(domain.sessions), domain.merges, path, actors=domain.actors.registry
    )
    assert run.report.created == 16
    ids = await EventKeys(domain.sessions).ids_of(["acled:AFGX0003", "acled:AFGX0103"])
    # the article joins one of the two codings; the two rows of one dataset stay apart
    assert len(run.merged) == 1
    ((head, merged),) = run.merged.items()
    assert merged == [article] and head in ids.values()
    assert run.merge_note() == "1 event merged with other sources' accounts"
    views = await domain.events.get_many([*ids.values(), article])
    assert {v.id: v.merged_into for v in views} == {
        ids["acled:AFGX0003"]: None,
        ids["acled:AFGX0103"]: None,
        article: head,
    }
    async with domain.sessions() as session:
        outlets = (
            await session.scalars(
                select(SourceRow.outlet).where(SourceRow.event_id.in_([head, article]))
            )
        ).all()
    assert "Daily One" in outlets and len(set(outlets)) == 2  # one event, both sources
    # importing the file again writes nothing, so merges nothing
    again = await import_and_merge(
        domain, EventKeys(domain.sessions), domain.merges, path, actors=domain.actors.registry
    )
    assert (again.report.unchanged, again.merged) == (16, {})


async def test_no_merge_leaves_the_accounts_apart(domain: Services, tmp_path: Path) -> None:
    article = await _article(domain)
    run = await import_and_merge(
        domain, EventKeys(domain.sessions), domain.merges, SAMPLE, merge=False
    )
    assert run.report.created == 15 and run.merged == {} and run.merge_note() == ""
    (view,) = await domain.events.get_many([article])
    assert view.merged_into is None


async def test_events_split_apart_are_never_merged_again(domain: Services) -> None:
    article = await _article(domain)
    run = await import_and_merge(
        domain, EventKeys(domain.sessions), domain.merges, SAMPLE, actors=domain.actors.registry
    )
    ((head, merged),) = run.merged.items()
    assert merged == [article]
    assert await domain.merges.split(head) == [article]  # /event N split
    registry = domain.actors.registry
    first, last = date(2021, 6, 1), date(2021, 9, 1)
    assert await merge_twins(domain.merges, domain.gazetteer, first, last, registry) == {}
    (view,) = await domain.events.get_many([article])
    assert view.merged_into is None
    assert await domain.merges.apart() == {frozenset((head, article))}

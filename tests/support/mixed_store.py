"""A store holding events of every origin — ACLED rows (with and without ids), UCDP rows,
articles, admins' reports — with merged events and events of several sources; and its counts."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.bootstrap import Services
from bot.domain.bulk.importer import import_file
from bot.domain.events.merge_pass import merge_twins
from bot.domain.events.model import EventDraft, EventStatus, Origin, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate, Precision
from bot.store.models.events import EventRow, SourceRow
from tests.support.bulk import FIXTURES, SAMPLE
from tests.support.ucdp import GED_SAMPLE

REWRITE = FIXTURES / "ingest_islam_qala_rewrite_2021-07-09.txt"
KUNDUZ = FIXTURES / "ingest_kunduz_2021-06-22.txt"

# ACLED rows without event_id_cnty (keyed by a hash of their content); the first tells of the
# same happening as UCDP row 990002, so the merge pass joins them.
KEYLESS_ACLED = [
    {
        "event_date": "2013-01-05",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Afghanistan (2004-2021)",
        "actor2": "Taliban",
        "country": "Afghanistan",
        "admin1": "Helmand",
        "location": "Helmand",
        "source": "Local press",
        "notes": "Soldiers and Taliban fighters exchanged fire near a village of Helmand; "
        "five were reported dead.",
        "fatalities": "5",
    },
    {
        "event_date": "2021-07-30",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Afghanistan)",
        "country": "Afghanistan",
        "admin1": "Herat",
        "location": "Herat",
        "source": "Local press; Tolo News",
        "notes": "Shopkeepers gathered in the city to ask for the roads to the border to reopen.",
        "fatalities": "0",
    },
]


@dataclass(frozen=True, slots=True)
class Counts:
    """What a re-import must leave as it was."""

    events: int
    sources: int
    merged: int
    published: int


async def counts(domain: Services) -> Counts:
    """Events, sources, merged events and published events in the store."""
    async with domain.sessions() as session:
        events = await session.scalar(select(func.count(EventRow.id)))
        sources = await session.scalar(select(func.count(SourceRow.id)))
        merged = await session.scalar(
            select(func.count(EventRow.id)).where(EventRow.merged_into.is_not(None))
        )
        published = await session.scalar(
            select(func.count(EventRow.id)).where(EventRow.status == "published")
        )
    return Counts(events or 0, sources or 0, merged or 0, published or 0)


def _keyless_acled(path: Path) -> Path:
    with SAMPLE.open(encoding="utf-8") as f:
        columns = next(csv.reader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(KEYLESS_ACLED)
    return path


async def fill_mixed_store(domain: Services, tmp: Path) -> None:
    """ACLED and UCDP rows, two articles (one from two outlets), admins' reports of every
    status, and the merge pass over all their days."""
    await import_file(domain, SAMPLE)
    await import_file(domain, GED_SAMPLE)
    await import_file(domain, _keyless_acled(tmp / "keyless.csv"))
    rewrite = REWRITE.read_text(encoding="utf-8")
    await domain.ingest.ingest(
        rewrite, published=date(2021, 7, 9), outlet="Wire", url="https://example.org/wire/1"
    )
    kunduz = KUNDUZ.read_text(encoding="utf-8")
    for outlet in ("Daily One", "Daily Two"):
        await domain.ingest.ingest(
            kunduz, published=date(2021, 6, 22), outlet=outlet, url=f"https://example.org/{outlet}"
        )
    crossing = await domain.events.add(
        EventDraft(
            summary="Iran closed its side of the Islam Qala crossing to lorries.",
            when=FuzzyDate.day(date(2021, 7, 10)),
            place_key="islam-qala",
            place_text="Islam Qala",
            actors=("Iran",),
            sources=(
                SourceInfo(
                    "Newsweek",
                    url="https://example.org/islam-qala",
                    title="Border shut",
                    published_at=datetime(2021, 7, 10, 14, 30, tzinfo=UTC),
                ),
                SourceInfo("Radio Azadi", url="https://example.org/azadi"),
            ),
        ),
        by=42,
    )
    wrong = await domain.events.add(
        EventDraft(
            summary="A market fire was reported in Zaranj.",
            when=FuzzyDate.day(date(2021, 8, 2)),
            place_key="zaranj",
            place_text="Zaranj",
        ),
        by=42,
    )
    await domain.events.set_status([wrong.event.id], EventStatus.RETRACTED, reason="No fire.")
    await domain.events.add(
        EventDraft(
            summary="Unconfirmed: a ceasefire was agreed around Kala-i-Now.",
            when=FuzzyDate(date(2021, 8, 1), Precision.DAY, date(2021, 8, 3)),
            place_text="Kala-i-Now",
            status=EventStatus.DRAFT,
            reviewed=False,
            origin=Origin.INGEST,
        )
    )
    assert crossing.created
    registry = domain.actors.registry
    await merge_twins(domain.merges, domain.gazetteer, date(2013, 1, 1), date(2021, 9, 1), registry)

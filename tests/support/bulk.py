"""Bulk import/export helpers: the ACLED sample, the domain on a fixed clock after its events, an
export as text, and a store filled with events of every status."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.bulk.exporting import export_events
from bot.domain.bulk.importer import import_file
from bot.domain.bulk.reading import Format
from bot.domain.clock import FixedClock
from bot.domain.events.model import EventDraft, EventStatus, Origin, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate, Precision

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE = FIXTURES / "acled_sample.csv"
NOW = datetime(2021, 9, 1, 8, 0, tzinfo=UTC)


@asynccontextmanager
async def domain_at(url: str) -> AsyncIterator[Services]:
    """The domain services on a database, with the clock fixed after the events."""
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW)) as domain:
        yield domain


async def export_text(domain: Services, fmt: Format = Format.JSONL) -> str:
    """An export as text."""
    out = io.StringIO()
    await export_events(domain, out, fmt=fmt)
    return out.getvalue()


async def populate(domain: Services) -> None:
    """The ACLED sample plus events of every status, with and without keys and URLs."""
    await import_file(domain, SAMPLE)
    admin = await domain.events.add(
        EventDraft(
            summary="Iran closed its side of the Islam Qala crossing to traffic.",
            when=FuzzyDate.day(date(2021, 7, 9)),
            place_key="islam-qala",
            place_text="Islam Qala",
            actors=("Iran",),
            sources=(
                SourceInfo(
                    "Newsweek",
                    url="https://example.org/islam-qala",
                    title="Taliban seize border crossing",
                    published_at=datetime(2021, 7, 9, 14, 30, tzinfo=UTC),
                ),
            ),
        ),
        by=42,
    )
    draft = await domain.events.add(
        EventDraft(
            summary="Unconfirmed: a ceasefire was agreed around Kala-i-Now.",
            when=FuzzyDate(date(2021, 8, 1), Precision.DAY, date(2021, 8, 3)),
            place_text="Kala-i-Now",
            status=EventStatus.DRAFT,
            reviewed=False,
            origin=Origin.INGEST,
        )
    )
    await domain.events.set_status(
        [admin.event.id], EventStatus.RETRACTED, reason="Wrong crossing."
    )
    assert draft.created

"""Shared helpers for the delivery tests: a domain on a fake clock, subscriptions, events and
the outbox as plain tuples (virtual time is in tests.support.virtual_time)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.clock import Clock, FixedClock
from bot.domain.events.model import EventDraft, Severity, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from bot.store.models.delivery import EditionPartRow, EditionRow, OutboxRow

KABUL = ZoneInfo("Asia/Kabul")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args: int) -> datetime:
    """A UTC instant: utc(2021, 7, 9, 2, 30)."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[arg-type,misc]


def settings_for(url: str, *, tz: str = "UTC", minute: int = 7 * 60) -> Settings:
    """Settings for a test database (no .env), default zone and briefing time."""
    hhmm = f"{minute // 60:02d}:{minute % 60:02d}"
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        default_timezone=tz,
        default_briefing_time=hhmm,  # type: ignore[arg-type]
    )


@asynccontextmanager
async def domain_at(
    url: str, at: datetime, *, tz: str = "UTC", clock: Clock | None = None
) -> AsyncIterator[tuple[Services, FixedClock]]:
    """The domain on `url` with a FixedClock at `at` (or the given clock)."""
    fixed = FixedClock(at)
    async with open_services(settings_for(url, tz=tz), clock or fixed) as domain:
        yield domain, fixed


async def subscribe(
    domain: Services,
    chat_id: int,
    *,
    minute: int = 7 * 60,
    tz: str = "UTC",
    places: Sequence[str] = (),
    types: Sequence[str] = (),
    empty_note: bool = True,
    chat_type: str = "private",
) -> None:
    """Subscribe a chat with these settings (next delivery computed from the domain's clock)."""
    await domain.subscriptions.subscribe(chat_id, chat_type=chat_type, places=places)
    await domain.subscriptions.change(
        chat_id,
        delivery_minute=minute,
        timezone=tz,
        event_types=tuple(types),
        empty_note=empty_note,
    )


async def add_event(
    domain: Services,
    summary: str,
    *,
    day: date,
    place: str,
    event_type: str = "Battles",
    at: datetime | None = None,
    on: date | None = None,
    severity: Severity = Severity.NOTABLE,
) -> int:
    """Store a published event first reported at instant `at` or on date `on`; its id."""
    source = SourceInfo(
        "Test Wire", f"https://example.org/{abs(hash(summary))}", published_at=at, published_on=on
    )
    result = await domain.events.add(
        EventDraft(
            summary=summary,
            when=FuzzyDate.day(day),
            place_key=place,
            place_text=place,
            event_type=event_type,
            severity=severity,
            sources=(source,),
        )
    )
    assert result.created, summary
    return result.event.id


@dataclass(frozen=True)
class Row:
    """An outbox row as plain data, with the text it will send."""

    id: int
    chat_id: int
    dedupe_key: str
    edition_id: int | None
    part_no: int
    not_before: datetime
    created_at: datetime
    state: str
    attempts: int
    error: str | None
    text: str


async def outbox_rows(domain: Services) -> list[Row]:
    """Every outbox row, oldest first, with its text (an edition part's or its own)."""
    async with domain.sessions() as session:
        rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
        parts = {
            (p.edition_id, p.part_no): p.text
            for p in (await session.scalars(select(EditionPartRow))).all()
        }
    return [
        Row(
            r.id,
            r.chat_id,
            r.dedupe_key,
            r.edition_id,
            r.part_no,
            r.not_before,
            r.created_at,
            r.state,
            r.attempts,
            r.error,
            parts.get((r.edition_id, r.part_no), "") if r.edition_id else (r.text or ""),
        )
        for r in rows
    ]


async def editions(domain: Services) -> list[EditionRow]:
    """Every stored edition."""
    async with domain.sessions() as session:
        return list((await session.scalars(select(EditionRow).order_by(EditionRow.id))).all())


async def run_ticks(domain: Services, clock: FixedClock, instants: Sequence[datetime]) -> list[Any]:
    """Tick at each instant (moving the clock there first); (instant, new rows) per tick."""
    seen = {r.id for r in await outbox_rows(domain)}
    out = []
    for at in sorted(instants):
        clock.advance(at - clock.now())
        await domain.briefings.tick(at)
        new = [r for r in await outbox_rows(domain) if r.id not in seen]
        seen.update(r.id for r in new)
        out.append((at, new))
    return out


def minutes_around(center: datetime, before: int, after: int) -> list[datetime]:
    """Instants every minute from `before` minutes before `center` to `after` minutes after."""
    return [center + timedelta(minutes=m) for m in range(-before, after + 1)]

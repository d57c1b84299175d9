"""Shared helpers for the delivery tests: a domain on a fake clock, subscriptions, events, the
outbox as plain tuples, and an event loop whose clock skips idle waits (pacing in seconds)."""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite
from sqlalchemy import select

from bot.bootstrap import Domain, open_domain
from bot.config import Settings
from bot.domain.clock import Clock, FixedClock
from bot.domain.events.model import EventDraft, Severity, SourceInfo
from bot.domain.questions.timewords import FuzzyDate
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
) -> AsyncIterator[tuple[Domain, FixedClock]]:
    """The domain on `url` with a FixedClock at `at` (or the given clock)."""
    fixed = FixedClock(at)
    async with open_domain(settings_for(url, tz=tz), clock or fixed) as domain:
        yield domain, fixed


async def subscribe(
    domain: Domain,
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
    domain: Domain,
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


async def outbox_rows(domain: Domain) -> list[Row]:
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


async def editions(domain: Domain) -> list[EditionRow]:
    """Every stored edition."""
    async with domain.sessions() as session:
        return list((await session.scalars(select(EditionRow).order_by(EditionRow.id))).all())


async def run_ticks(domain: Domain, clock: FixedClock, instants: Sequence[datetime]) -> list[Any]:
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


# ---- virtual time ------------------------------------------------------------------------

_aiosqlite_execute = aiosqlite.Connection._execute


async def _tracked_execute(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """aiosqlite's call into its worker thread, counted on a WarpLoop: time never jumps while a
    statement is still running (a slow commit is not an idle loop)."""
    loop = asyncio.get_running_loop()
    if not isinstance(loop, WarpLoop):
        return await _aiosqlite_execute(self, fn, *args, **kwargs)
    loop.busy += 1
    try:
        return await _aiosqlite_execute(self, fn, *args, **kwargs)
    finally:
        loop.busy -= 1


aiosqlite.Connection._execute = _tracked_execute  # type: ignore[method-assign]


class _SkippingSelector(selectors.BaseSelector):
    """Wraps the loop's selector: when the loop would only sleep until a timer, time jumps."""

    POLL = 0.003

    def __init__(self, inner: selectors.BaseSelector, loop: WarpLoop) -> None:
        self._inner = inner
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None or timeout <= self.POLL:
            return self._inner.select(timeout)
        # Give I/O and worker threads (aiosqlite, the HTTP stack) a moment; if nothing
        # happened, the loop was only waiting for a timer: jump to it.
        events = self._inner.select(self.POLL)
        if not events and not self._loop.busy:
            self._loop.skew += timeout - self.POLL
        return events

    def close(self) -> None:
        self._inner.close()

    def get_map(self) -> Any:
        return self._inner.get_map()


class WarpLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock skips ahead whenever it is idle until a timer: sleeps of a
    minute take milliseconds, while everything reading loop.time() stays consistent."""

    def __init__(self) -> None:
        super().__init__()
        self.skew = 0.0
        self.busy = 0  # aiosqlite calls in flight (see _tracked_execute)
        self._selector = _SkippingSelector(self._selector, self)  # type: ignore[has-type]

    def time(self) -> float:
        """Real monotonic time plus every skipped wait."""
        return time.monotonic() + self.skew


def loop_time() -> float:
    """The running loop's clock (virtual under WarpLoop)."""
    return asyncio.get_running_loop().time()


@dataclass
class LoopClock(Clock):
    """A domain clock that follows the running loop's clock from a starting instant."""

    start: datetime
    origin: float | None = None

    def now(self) -> datetime:
        """`start` plus the loop time elapsed since first asked."""
        t = loop_time()
        if self.origin is None:
            self.origin = t
        return (self.start + timedelta(seconds=t - self.origin)).astimezone(UTC)

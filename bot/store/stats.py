"""Aggregate figures for admins (/stats, `sitrep stats`) and the question log they draw on.

Only counts leave this module: never user ids, chat ids or question texts.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.domain.delivery_states import PENDING_STATES, OutboxKind, OutboxState
from bot.store.models.deadletters import DeadLetterRow
from bot.store.models.delivery import EditionRow, OutboxRow, SubscriptionRow
from bot.store.models.newsroom import PushRow, QuestionLogRow
from bot.store.models.people import Chat

log = logging.getLogger(__name__)

WINDOW_DAYS = 7
TOP_PLACES = 5
STATUSES = ("active", "paused", "blocked")
OUTBOX_KINDS = tuple(k.value for k in OutboxKind)
KIND_LABELS: dict[str, str] = {
    OutboxKind.EDITION: "Daily briefings",
    OutboxKind.EMPTY: "Empty-day notes",
    OutboxKind.PUSH: "Pushes",
    OutboxKind.FLASH: "Flash alerts",
    OutboxKind.CORRECTION: "Corrections",
}
CHAT_TYPE_LABELS = {
    "private": "Private chats",
    "group": "Groups",
    "supergroup": "Supergroups",
    "channel": "Channels",
}
ALL_PLACES = ""


class QuestionLog:
    """Questions asked: which places, how many events were shown; kept for a number of days."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def record(
        self, user_id: int | None, chat_id: int | None, place_keys: Iterable[str], found: int
    ) -> None:
        """Log one question (place keys, events shown) — never its text."""
        keys = [k for k in dict.fromkeys(place_keys) if k]
        async with self._sessions.begin() as session:
            session.add(
                QuestionLogRow(
                    at=self._clock.now(),
                    user_id=user_id,
                    chat_id=chat_id,
                    place_keys="\n".join(keys),
                    found=max(0, found),
                )
            )

    async def purge(self, older_than_days: int) -> int:
        """Delete entries older than that many days; return how many were deleted."""
        cutoff = self._clock.now() - timedelta(days=max(0, older_than_days))
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(QuestionLogRow)
                .where(QuestionLogRow.at < cutoff)
                .execution_options(synchronize_session=False)
            )
        deleted = int(result.rowcount or 0)  # type: ignore[attr-defined]
        if deleted:
            log.info("question log: %d entries older than %d days", deleted, older_than_days)
        return deleted


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """Subscriptions of one group (a chat type or a place), by status."""

    label: str
    active: int = 0
    paused: int = 0
    blocked: int = 0

    @property
    def total(self) -> int:
        """All statuses together."""
        return self.active + self.paused + self.blocked


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    """Outbox messages of one kind created in the window, by outcome."""

    kind: str
    label: str
    sent: int = 0
    failed: int = 0
    pending: int = 0
    cancelled: int = 0


@dataclass(frozen=True, slots=True)
class DayCount:
    """Questions asked on one local day; `answered` found at least one event."""

    day: date
    asked: int
    answered: int


@dataclass(frozen=True, slots=True)
class PlaceCount:
    """A place and how many questions named it."""

    key: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class Stats:
    """Everything /stats shows; aggregates only."""

    now: datetime
    since: datetime
    timezone: str
    subscribers: StatusCounts
    by_chat_type: tuple[StatusCounts, ...]
    by_place: tuple[StatusCounts, ...]
    editions: dict[str, int]
    pushes: dict[str, int]
    deliveries: tuple[DeliveryCounts, ...]
    queue: int
    questions: tuple[DayCount, ...]
    top_places: tuple[PlaceCount, ...]
    dead_letters: int = 0  # updates set aside in the window (bot.store.deadletters)

    @property
    def questions_total(self) -> int:
        """Questions asked in the window."""
        return sum(d.asked for d in self.questions)


def _status_counts(label: str, counts: Counter[str]) -> StatusCounts:
    return StatusCounts(label, counts["active"], counts["paused"], counts["blocked"])


class StatsStore:
    """Collects the /stats figures from the store in a few grouped queries."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tz: tzinfo,
        place_name: Callable[[str], str | None] = lambda key: None,
        *,
        timezone_name: str = "UTC",
    ) -> None:
        self._sessions = sessions
        self._tz = tz
        self._place_name = place_name
        self._tz_name = timezone_name

    async def collect(self, now: datetime) -> Stats:
        """Subscribers, deliveries and questions as of `now` (the last 7 local days)."""
        today = now.astimezone(self._tz).date()
        days = [today - timedelta(days=n) for n in range(WINDOW_DAYS - 1, -1, -1)]
        starts = [datetime.combine(d, time(0), self._tz) for d in days]
        since = starts[0]
        async with self._sessions() as session:
            by_type, by_place, overall = await self._subscribers(session)
            deliveries, queue = await self._deliveries(session, since)
            editions = await self._kind_counts(
                session, EditionRow.kind, EditionRow.created_at, since
            )
            pushes = await self._kind_counts(session, PushRow.kind, PushRow.created_at, since)
            questions = await self._questions(session, days, starts, self._tz)
            top = await self._top_places(session, since)
            dead = await session.scalar(
                select(func.count())
                .select_from(DeadLetterRow)
                .where(DeadLetterRow.received_at >= since)
            )
        return Stats(
            now=now,
            since=since,
            timezone=self._tz_name,
            subscribers=overall,
            by_chat_type=by_type,
            by_place=by_place,
            editions=editions,
            pushes=pushes,
            deliveries=deliveries,
            queue=queue,
            questions=questions,
            top_places=top,
            dead_letters=int(dead or 0),
        )

    async def _subscribers(
        self, session: AsyncSession
    ) -> tuple[tuple[StatusCounts, ...], tuple[StatusCounts, ...], StatusCounts]:
        rows = (
            await session.execute(
                select(SubscriptionRow.status, SubscriptionRow.places, Chat.type).outerjoin(
                    Chat, Chat.id == SubscriptionRow.chat_id
                )
            )
        ).all()
        overall: Counter[str] = Counter()
        types: dict[str, Counter[str]] = {}
        places: dict[str, Counter[str]] = {}
        for status, place_text, chat_type in rows:
            overall[status] += 1
            types.setdefault(chat_type or "unknown", Counter())[status] += 1
            keys = [k for k in (place_text or "").splitlines() if k.strip()] or [ALL_PLACES]
            for key in dict.fromkeys(keys):
                places.setdefault(key, Counter())[status] += 1
        rank = {t: n for n, t in enumerate(CHAT_TYPE_LABELS)}
        by_type = tuple(
            _status_counts(CHAT_TYPE_LABELS.get(t, t), types[t])
            for t in sorted(types, key=lambda t: (rank.get(t, len(rank)), t))
        )
        by_place = tuple(
            _status_counts(self._label(key), counts)
            for key, counts in sorted(
                places.items(), key=lambda kv: (-sum(kv[1].values()), kv[0] != ALL_PLACES, kv[0])
            )
        )
        return by_type, by_place, _status_counts("All", overall)

    def _label(self, key: str) -> str:
        if key == ALL_PLACES:
            return "All places"
        return self._place_name(key) or key

    async def _deliveries(
        self, session: AsyncSession, since: datetime
    ) -> tuple[tuple[DeliveryCounts, ...], int]:
        rows = (
            await session.execute(
                select(OutboxRow.kind, OutboxRow.state, func.count())
                .where(OutboxRow.created_at >= since)
                .group_by(OutboxRow.kind, OutboxRow.state)
            )
        ).all()
        counts: dict[str, Counter[str]] = {}
        for kind, state, n in rows:
            bucket = "pending" if state in PENDING_STATES else state
            counts.setdefault(kind, Counter())[bucket] += int(n)
        kinds = [k for k in OUTBOX_KINDS if k in counts] + sorted(set(counts) - set(OUTBOX_KINDS))
        deliveries = tuple(
            DeliveryCounts(
                kind=k,
                label=KIND_LABELS.get(k, k),
                sent=counts[k][OutboxState.SENT],
                failed=counts[k][OutboxState.FAILED],
                pending=counts[k]["pending"],
                cancelled=counts[k][OutboxState.CANCELLED],
            )
            for k in kinds
        )
        queue = await session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.state.in_(PENDING_STATES))
        )
        return deliveries, int(queue or 0)

    @staticmethod
    async def _kind_counts(
        session: AsyncSession, kind_col: Any, at_col: Any, since: datetime
    ) -> dict[str, int]:
        rows = (
            await session.execute(
                select(kind_col, func.count()).where(at_col >= since).group_by(kind_col)
            )
        ).all()
        return {str(kind): int(n) for kind, n in sorted(rows)}

    @staticmethod
    async def _questions(
        session: AsyncSession, days: Sequence[date], starts: Sequence[datetime], tz: tzinfo
    ) -> tuple[DayCount, ...]:
        ends = [*starts[1:], datetime.combine(days[-1] + timedelta(days=1), time(0), tz)]
        out: list[DayCount] = []
        answered = func.sum(case((QuestionLogRow.found > 0, 1), else_=0))
        for day, start, end in zip(days, starts, ends, strict=True):
            asked, found = (
                await session.execute(
                    select(func.count(), answered).where(
                        QuestionLogRow.at >= start, QuestionLogRow.at < end
                    )
                )
            ).one()
            out.append(DayCount(day, int(asked or 0), int(found or 0)))
        return tuple(out)

    async def _top_places(self, session: AsyncSession, since: datetime) -> tuple[PlaceCount, ...]:
        texts = (
            await session.scalars(
                select(QuestionLogRow.place_keys).where(
                    QuestionLogRow.at >= since, QuestionLogRow.place_keys != ""
                )
            )
        ).all()
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(k for k in dict.fromkeys(text.splitlines()) if k.strip())
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PLACES]
        return tuple(PlaceCount(k, self._label(k), n) for k, n in ranked)

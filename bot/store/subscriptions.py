"""Subscriptions: who gets a daily briefing, when, in which zone, about which places and types."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.clock import Clock
from bot.domain.delivery_states import OutboxKind, OutboxState
from bot.domain.editions.schedule import next_due
from bot.domain.people.subscriptions import (
    MAX_PLACES,
    WEEKDAYS,
    SubscriptionError,
    SubscriptionView,
    check_zone,
)
from bot.store.models.delivery import OutboxRow, SubscriptionRow
from bot.store.models.people import Chat

log = logging.getLogger(__name__)


def _lines(values: Iterable[str]) -> str:
    return "\n".join(values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(v for v in text.split("\n") if v)


def view_of(row: SubscriptionRow) -> SubscriptionView:
    """Plain data from a subscription row."""
    return SubscriptionView(
        chat_id=row.chat_id,
        thread_id=row.thread_id,
        status=row.status,
        delivery_minute=row.delivery_minute,
        timezone=row.timezone,
        places=_split(row.places),
        event_types=_split(row.event_types),
        empty_note=row.empty_note,
        flash_alerts=row.flash_alerts,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        next_due_at=row.next_due_at,
        last_window_end=row.last_window_end,
        weekly_day=row.weekly_day,
    )


class SubscriptionStore:
    """Creates and changes subscriptions; keeps each one's next delivery instant current."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        default_minute: int,
        default_timezone: str,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.default_minute = default_minute
        self.default_timezone = default_timezone

    def _schedule(self, row: SubscriptionRow) -> None:
        now = self._clock.now()
        row.updated_at = now
        if row.status == "active":
            zone = ZoneInfo(row.timezone)
            row.next_due_at = next_due(row.delivery_minute, row.weekly_day, zone, now)
        else:
            row.next_due_at = None

    async def get(self, chat_id: int) -> SubscriptionView | None:
        """The chat's subscription, if any."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id)
            )
            return view_of(row) if row is not None else None

    async def subscribe(
        self,
        chat_id: int,
        *,
        chat_type: str = "private",
        thread_id: int | None = None,
        places: Iterable[str] = (),
        timezone: str | None = None,
        by: int | None = None,
    ) -> tuple[SubscriptionView, bool]:
        """Subscribe a chat (or resume it); returns the subscription and whether it is new."""
        now = self._clock.now()
        async with self._sessions.begin() as session:
            if await session.get(Chat, chat_id) is None:
                session.add(
                    Chat(id=chat_id, type=chat_type, first_seen=now, last_seen=now, active=True)
                )
                await session.flush()
            row = await session.scalar(
                select(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id)
            )
            created = row is None
            if row is None:
                row = SubscriptionRow(
                    chat_id=chat_id,
                    thread_id=thread_id,
                    status="active",
                    delivery_minute=self.default_minute,
                    timezone=timezone or self.default_timezone,
                    places="",
                    event_types="",
                    empty_note=True,
                    flash_alerts=True,
                    created_at=now,
                    created_by=by,
                )
                session.add(row)
            else:
                row.status = "active"
                if thread_id is not None:
                    row.thread_id = thread_id
            merged = list(_split(row.places))
            for key in places:
                if key not in merged:
                    merged.append(key)
            row.places = _lines(merged[:MAX_PLACES])
            self._schedule(row)
            await session.flush()
            return view_of(row), created

    async def unsubscribe(self, chat_id: int) -> bool:
        """Remove the chat's subscription and its queued editions; False if there was none."""
        async with self._sessions.begin() as session:
            row = await session.scalar(
                select(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id)
            )
            if row is None:
                return False
            await session.delete(row)
            await session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.chat_id == chat_id,
                    OutboxRow.state == OutboxState.QUEUED,
                    OutboxRow.kind.in_([OutboxKind.EDITION, OutboxKind.EMPTY]),
                )
                .values(state=OutboxState.CANCELLED, error="unsubscribed")
            )
            return True

    async def change(self, chat_id: int, **values: object) -> SubscriptionView:
        """Change settings: status, delivery_minute, timezone, places, event_types, empty_note,
        flash_alerts, quiet_start, quiet_end, weekly_day. Raises SubscriptionError when not
        subscribed."""
        async with self._sessions.begin() as session:
            row = await session.scalar(
                select(SubscriptionRow).where(SubscriptionRow.chat_id == chat_id)
            )
            if row is None:
                raise SubscriptionError("This chat is not subscribed. Send /subscribe first.")
            for key, value in values.items():
                if key in ("places", "event_types"):
                    value = _lines(tuple(value)[:MAX_PLACES])  # type: ignore[arg-type]
                elif key == "timezone":
                    value = check_zone(str(value))
                elif key == "delivery_minute" and not (
                    isinstance(value, int) and 0 <= value < 1440
                ):
                    raise SubscriptionError("The delivery time must be between 00:00 and 23:59.")
                elif key == "weekly_day" and not (
                    value is None or (isinstance(value, int) and 0 <= value < WEEKDAYS)
                ):
                    raise SubscriptionError("The weekly day must be Monday to Sunday.")
                elif key not in {
                    "status",
                    "empty_note",
                    "flash_alerts",
                    "quiet_start",
                    "quiet_end",
                    "delivery_minute",
                    "weekly_day",
                }:
                    raise SubscriptionError(f"unknown setting {key}")
                setattr(row, key, value)
            self._schedule(row)
            await session.flush()
            return view_of(row)

    async def toggle(self, chat_id: int, field: str, item: str) -> SubscriptionView:
        """Add or remove one place key or event type."""
        current = await self.get(chat_id)
        if current is None:
            raise SubscriptionError("This chat is not subscribed. Send /subscribe first.")
        items = list(getattr(current, field))
        if item in items:
            items.remove(item)
        else:
            if len(items) >= MAX_PLACES:
                raise SubscriptionError(f"At most {MAX_PLACES} entries.")
            items.append(item)
        return await self.change(chat_id, **{field: tuple(items)})

    async def mark_blocked(self, chat_id: int, reason: str) -> None:
        """The chat blocked or removed the bot: stop delivering, keep its settings."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(SubscriptionRow)
                .where(SubscriptionRow.chat_id == chat_id)
                .values(status="blocked", next_due_at=None, updated_at=self._clock.now())
            )
            await session.execute(update(Chat).where(Chat.id == chat_id).values(active=False))
        log.info("chat %s marked inactive: %s", chat_id, reason)

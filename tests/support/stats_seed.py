"""Rows the stats count: chats, subscriptions, outbox rows, editions, pushes and questions
(shared by the stats storage tests and the /stats handler tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.models.delivery import EditionRow, OutboxRow, SubscriptionRow
from bot.store.models.newsroom import PushRow, QuestionLogRow
from bot.store.models.people import Chat

NOW = datetime(2021, 7, 10, 4, 30, tzinfo=UTC)  # 09:00 in Kabul
KABUL = ZoneInfo("Asia/Kabul")

CHATS = [  # id, type, status, places
    (101, "private", "active", "herat\nkunduz"),
    (102, "private", "paused", ""),
    (103, "private", "blocked", "herat"),
    (-201, "group", "active", "herat"),
    (-301, "supergroup", "active", ""),
    (-401, "channel", "paused", "kabul"),
]
OUTBOX = [  # kind, state, age, how many
    ("edition", "sent", timedelta(days=1), 3),
    ("edition", "failed", timedelta(days=2), 1),
    ("edition", "sent", timedelta(days=10), 2),  # outside the window
    ("edition", "queued", timedelta(days=10), 1),  # outside the window, still in the queue
    ("flash", "sent", timedelta(hours=1), 2),
    ("flash", "failed", timedelta(hours=1), 1),
    ("push", "queued", timedelta(hours=1), 1),
    ("push", "claimed", timedelta(hours=1), 1),
    ("empty", "sent", timedelta(hours=3), 1),
    ("correction", "cancelled", timedelta(hours=3), 1),
]
QUESTIONS = [  # local Kabul time, found, place keys
    (datetime(2021, 7, 10, 8, 0), 2, "herat"),
    (datetime(2021, 7, 10, 8, 30), 0, ""),
    (datetime(2021, 7, 10, 0, 5), 1, "herat\nislam-qala"),
    (datetime(2021, 7, 9, 12, 0), 1, "kunduz"),
    (datetime(2021, 7, 4, 0, 10), 0, "kunduz"),  # first minutes of the window
    (datetime(2021, 7, 3, 23, 50), 1, "kabul"),  # just before it
    (datetime(2021, 7, 1, 12, 0), 1, "kabul"),
]


async def seed(sessions: async_sessionmaker[AsyncSession], now: datetime = NOW) -> None:
    """Chats, subscriptions, outbox rows, editions, pushes and questions the stats count."""
    async with sessions.begin() as session:
        for chat_id, chat_type, status, places in CHATS:
            session.add(Chat(id=chat_id, type=chat_type, first_seen=now, last_seen=now))
            await session.flush()
            session.add(
                SubscriptionRow(
                    chat_id=chat_id,
                    status=status,
                    places=places,
                    created_at=now,
                    updated_at=now,
                    created_by=chat_id if chat_id > 0 else 101,
                )
            )
        n = 0
        for kind, state, age, count in OUTBOX:
            for _ in range(count):
                n += 1
                session.add(
                    OutboxRow(
                        kind=kind,
                        dedupe_key=f"seed:{n}",
                        chat_id=CHATS[n % len(CHATS)][0],
                        state=state,
                        text="hello",
                        not_before=now - age,
                        created_at=now - age,
                        sent_at=now - age if state == "sent" else None,
                    )
                )
        for key, kind, age in (
            ("a", "daily", timedelta(days=1)),
            ("b", "daily", timedelta(days=1)),
            ("c", "push", timedelta(days=8)),
        ):
            session.add(
                EditionRow(
                    audience_key=key,
                    kind=kind,
                    local_date=(now - age).date(),
                    timezone="UTC",
                    window_start=now - age - timedelta(days=1),
                    window_end=now - age,
                    created_at=now - age,
                )
            )
        session.add(PushRow(kind="flash", created_by=777, created_at=now - timedelta(hours=1)))
        for local, found, keys in QUESTIONS:
            session.add(
                QuestionLogRow(
                    at=local.replace(tzinfo=KABUL),
                    user_id=101,
                    chat_id=101,
                    place_keys=keys,
                    found=found,
                )
            )

"""Tables of subscriptions and delivery: subscriptions, editions, the outbox, key figures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.delivery_states import OutboxState
from bot.store.models.base import Base, UTCDateTime


class SubscriptionRow(Base):
    """One chat's daily briefing: when, in which zone, about what."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_due", "status", "next_due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), unique=True
    )
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8), default="active")  # active|paused|blocked
    delivery_minute: Mapped[int] = mapped_column(Integer, default=420)  # local minutes after 00:00
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    places: Mapped[str] = mapped_column(Text, default="")  # place keys, one per line; "" = all
    event_types: Mapped[str] = mapped_column(Text, default="")  # one per line; "" = all
    empty_note: Mapped[bool] = mapped_column(Boolean, default=True)
    flash_alerts: Mapped[bool] = mapped_column(Boolean, default=True)
    quiet_start: Mapped[int | None] = mapped_column(Integer)  # local minutes; None = no quiet hours
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    weekly_day: Mapped[int | None] = mapped_column(Integer)  # None: daily; 0-6: weekly, Mon=0
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_window_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(BigInteger)


class EditionRow(Base):
    """A rendered briefing for one audience (filters, window, zone): rendered once, sent to many."""

    __tablename__ = "editions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audience_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="daily")
    local_date: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    parts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EditionPartRow(Base):
    """One message-sized part (≤ 4096 characters) of an edition's text."""

    __tablename__ = "edition_parts"

    edition_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    part_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)


class OutboxRow(Base):
    """One message to one chat, written before anything is sent; the sender's only input."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_ready", "state", "not_before", "id"),
        # a chat's rows held by a sender (claims keep a chat to one instance at a time)
        Index("ix_outbox_chat_state", "chat_id", "state"),
        # a chat's recent sends (pacing carried across restarts and instances)
        Index("ix_outbox_chat_sent", "chat_id", "sent_at"),
        # the last second's sends (a restarted sender's global rate)
        Index("ix_outbox_sent_at", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))  # edition|empty|push|flash|correction
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_type: Mapped[str] = mapped_column(String(16), default="private")
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    edition_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("editions.id", ondelete="SET NULL")
    )
    part_no: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str | None] = mapped_column(Text)  # when not an edition part
    reply_to_message_id: Mapped[int | None] = mapped_column(BigInteger)
    batch: Mapped[str | None] = mapped_column(String(64), index=True)  # a push or alert id
    state: Mapped[str] = mapped_column(String(10), default=OutboxState.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateBucketRow(Base):
    """A global send rate shared by instances: the next free slot, epoch seconds (DB clock)."""

    __tablename__ = "rate_buckets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


class SenderInstanceRow(Base):
    """One running sender (an incarnation of an INSTANCE_NAME) and its heartbeat: the rows it
    claimed carry its id; a stale heartbeat lets others take them, a restart under the same
    name takes them back at once."""

    __tablename__ = "sender_instances"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # what claimed_by holds
    name: Mapped[str] = mapped_column(String(64), index=True)  # INSTANCE_NAME
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)


class KeyFigureRow(Base):
    """A figure admins maintain for briefings, with its date and source."""

    __tablename__ = "key_figures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(BigInteger)

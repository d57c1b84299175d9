"""Per-chat conversation state shared by every instance: open forms, answer pages, follow-ups."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models.base import Base, UTCDateTime

CHAT_WIDE = 0  # user_id of state that belongs to the whole chat, not to one user in it


class ChatStateRow(Base):
    """One piece of conversation state of a chat (user_id 0) or of one user in a chat."""

    __tablename__ = "chat_state"
    __table_args__ = (Index("ix_chat_state_expires_at", "expires_at"),)

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboxRow(Base):
    """One update, stored before Telegram is told it arrived and marked done once the
    application has handled it; a row not done when its lease ends is handled again."""

    __tablename__ = "update_inbox"
    __table_args__ = (Index("ix_update_inbox_done_at", "done_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=1)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)

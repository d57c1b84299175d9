"""Updates set aside: what could not be parsed, stored or handled, kept for an operator to see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models.base import Base, UTCDateTime


class DeadLetterRow(Base):
    """One update set aside: the raw body as received (cut to a size cap), where it came from and
    why; `update_id` is unique when known, so an update Telegram sends again is kept once."""

    __tablename__ = "dead_letters"
    __table_args__ = (
        UniqueConstraint("update_id", name="uq_dead_letters_update_id"),
        Index("ix_dead_letters_received_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    update_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)

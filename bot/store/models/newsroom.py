"""Tables of the newsroom side: pushes and alerts, which events each edition carried, the audit
log, question logs and the access allowlist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.delivery_states import PushStatus
from bot.store.models.base import Base, UTCDateTime


class PushRow(Base):
    """A manual briefing, flash alert or correction: previewed, then confirmed once."""

    __tablename__ = "pushes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))  # push|flash|correction
    status: Mapped[str] = mapped_column(String(12), default=PushStatus.PREVIEW.value)
    # preview → sending → done | cancelled; a preview can also expire or be cancelled
    edition_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("editions.id", ondelete="SET NULL")
    )
    audience: Mapped[str] = mapped_column(String(80), default="all")  # all|place:<key>|chat:<id>
    event_id: Mapped[int | None] = mapped_column(Integer)  # flash alerts and corrections
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    admin_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class EditionEventRow(Base):
    """Which events an edition (daily, push or alert) carried: who got what, for corrections."""

    __tablename__ = "edition_events"

    edition_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    part_no: Mapped[int] = mapped_column(Integer, default=0)


class AuditRow(Base):
    """One admin action: who, what, when, on what."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(160), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class QuestionLogRow(Base):
    """A question asked (kept for a configurable number of days, then deleted)."""

    __tablename__ = "question_log"
    __table_args__ = (Index("ix_question_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    place_keys: Mapped[str] = mapped_column(Text, default="")  # one per line
    found: Mapped[int] = mapped_column(Integer, default=0)  # events shown


class AllowRow(Base):
    """A user or chat allowed to use the bot when ACCESS=allowlist."""

    __tablename__ = "allowlist"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(8), default="user")  # user|chat
    note: Mapped[str] = mapped_column(String(160), default="")
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

"""Events an admin split apart (/event N split): the merge pass never merges them together again."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models.base import Base


class EventSplitRow(Base):
    """Two events kept apart (the smaller id first)."""

    __tablename__ = "event_splits"

    event_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    other_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, index=True
    )

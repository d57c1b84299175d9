"""The actors table: the shipped actors synced on start, actors learned from imports, and the
actors and aliases admins add."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models.base import Base, UTCDateTime


class ActorRow(Base):
    """One actor: its canonical name, aliases, kind, countries and where it came from."""

    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="unknown")
    aliases: Mapped[str] = mapped_column(Text, default="")  # one alias per line
    countries: Mapped[str] = mapped_column(String(255), default="")  # ISO2 codes, space-separated
    search_terms: Mapped[str] = mapped_column(Text, default="")  # one per line; empty: all names
    source: Mapped[str] = mapped_column(String(16), default="shipped")  # shipped, import, admin
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

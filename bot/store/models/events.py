"""Tables of the event store: places, events, their sources, and ingested articles."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.models.base import Base, UTCDateTime


class PlaceRow(Base):
    """A gazetteer place: shipped data synced on start, plus places admins add."""

    __tablename__ = "places"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    parent_key: Mapped[str | None] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    borders: Mapped[str | None] = mapped_column(String(2))
    aliases: Mapped[str] = mapped_column(Text, default="")  # one alias per line
    names_local: Mapped[str] = mapped_column(Text, default="")  # one name per line
    source: Mapped[str] = mapped_column(String(32), default="shipped")
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EventRow(Base):
    """One dated, placed, sourced account of something that happened."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_place_date", "place_key", "date_start", "date_last"),
        Index("ix_events_status_reported", "status", "reported_at"),
        Index("ix_events_date", "date_start", "date_last"),
        Index("ix_events_reported_on", "reported_on"),
        Index("ix_events_place_status_date", "place_key", "status", "date_start", "date_last"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    summary: Mapped[str] = mapped_column(Text)
    date_start: Mapped[date] = mapped_column(Date)
    date_end: Mapped[date | None] = mapped_column(Date)
    date_last: Mapped[date] = mapped_column(Date)  # last day covered at its precision (windows)
    date_precision: Mapped[str] = mapped_column(String(8), default="day")
    # A gazetteer key: the world file's places have no row in `places` (migration 0007).
    place_key: Mapped[str | None] = mapped_column(String(64))
    place_text: Mapped[str] = mapped_column(String(255), default="")
    location_precision: Mapped[str] = mapped_column(String(8), default="exact")
    actors_text: Mapped[str] = mapped_column(Text, default="")  # actors joined by "; "
    event_type: Mapped[str] = mapped_column(String(64), default="")
    sub_event_type: Mapped[str] = mapped_column(String(96), default="")
    severity: Mapped[str] = mapped_column(String(8), default="routine")
    claim_status: Mapped[str] = mapped_column(String(12), default="reported")
    claim_note: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(12), default="published")
    retract_reason: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(12), default="admin")
    reviewed: Mapped[bool] = mapped_column(Boolean, default=True)
    fatalities: Mapped[int | None] = mapped_column(Integer)
    # Who acted (actor 1) and who was acted on (actor 2), each joined by "; " (migration 0009).
    actor1_text: Mapped[str] = mapped_column(Text, default="")
    actor2_text: Mapped[str] = mapped_column(Text, default="")
    injuries: Mapped[int | None] = mapped_column(Integer)
    # The original passages an event was made from (articles) or the dataset's notes, kept whole.
    excerpt: Mapped[str] = mapped_column(Text, default="")
    # Set on an event merged into another (the same happening from another source); reversible.
    merged_into: Mapped[int | None] = mapped_column(Integer, index=True)
    external_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when the first report is known only by its date: it then belongs to the first edition
    # whose window ends after that day ends in the reader's zone.
    reported_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    updated_by: Mapped[int | None] = mapped_column(BigInteger)

    sources: Mapped[list[SourceRow]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="SourceRow.id"
    )


class ArticleRow(Base):
    """The raw text of an ingested article, kept for provenance; unique by content hash."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    outlet: Mapped[str] = mapped_column(String(255), default="")
    url: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(Date)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ingested_by: Mapped[int | None] = mapped_column(BigInteger)


class SourceRow(Base):
    """Where an event was reported: outlet, URL, title, when it was published."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("event_id", "outlet", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    outlet: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text, default="")  # "" when unknown, so uniqueness holds
    title: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_on: Mapped[date | None] = mapped_column(Date)
    article_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("articles.id", ondelete="SET NULL")
    )

    event: Mapped[EventRow] = relationship(back_populates="sources")

"""Tables of sources that feed themselves: the sources (feeds, channels) with their health and
polling lease, and the items they brought (each kept once per source, pending until extracted).

Named `news_sources`/`news_items`: `sources` is the table of event sources (outlet, URL).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models.base import Base, UTCDateTime


class NewsSourceRow(Base):
    """A feed or channel polled on a schedule, with its health and the lease of its poller."""

    __tablename__ = "news_sources"
    __table_args__ = (Index("ix_news_sources_due", "paused", "next_poll_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8), default="feed")  # feed|channel
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # channels
    name: Mapped[str] = mapped_column(String(255))
    interval_s: Mapped[int] = mapped_column(Integer, default=900)
    trust: Mapped[str] = mapped_column(String(8), default="review")  # review|publish
    full_text: Mapped[bool] = mapped_column(Boolean, default=False)
    focus: Mapped[str] = mapped_column(String(255), default="")
    since: Mapped[date | None] = mapped_column(Date)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    # conditional GET
    etag: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="")
    # health
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    polls: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the instance polling it now, until when (several instances never poll it twice)
    lease_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NewsItemRow(Base):
    """One feed item or channel post: known by its source and key, pending until extracted."""

    __tablename__ = "news_items"
    __table_args__ = (
        UniqueConstraint("source_id", "item_key"),
        Index("ix_news_items_state", "state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("news_sources.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(64))  # GUID, else link, else content key
    link_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    content_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(8), default="pending")  # pending|done|failed
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    article_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("articles.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(300), default="")  # why it failed / what it did

"""news sources: feeds and channels polled on a schedule, and the items they brought

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:45:00

`news_sources` holds each feed or Telegram channel with its poll interval, trust level, health
and the lease of the instance polling it (several instances never poll one twice);
`news_items` holds each item once per source (by GUID, else link, else content key), pending
until extracted, with link and content keys to find the same story in another source.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = bot.store.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "news_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("trust", sa.String(length=8), nullable=False),
        sa.Column("full_text", sa.Boolean(), nullable=False),
        sa.Column("focus", sa.String(length=255), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=False),
        sa.Column("last_modified", sa.String(length=64), nullable=False),
        sa.Column("last_success_at", UTC(timezone=True), nullable=True),
        sa.Column("last_error_at", UTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("items_seen", sa.Integer(), nullable=False),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", UTC(timezone=True), nullable=True),
        sa.Column("lease_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_news_sources_url")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_news_sources_chat_id")),
    )
    op.create_index("ix_news_sources_due", "news_sources", ["paused", "next_poll_at"], unique=False)
    op.create_table(
        "news_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=64), nullable=False),
        sa.Column("link_key", sa.String(length=64), nullable=False),
        sa.Column("content_key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", UTC(timezone=True), nullable=True),
        sa.Column("seen_at", UTC(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_until", UTC(timezone=True), nullable=True),
        sa.Column("done_at", UTC(timezone=True), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["news_sources.id"],
            name=op.f("fk_news_items_source_id_news_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_news_items_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_items")),
        sa.UniqueConstraint("source_id", "item_key", name=op.f("uq_news_items_source_id_item_key")),
    )
    op.create_index("ix_news_items_state", "news_items", ["state", "id"], unique=False)
    op.create_index("ix_news_items_source_id", "news_items", ["source_id"], unique=False)
    op.create_index("ix_news_items_link_key", "news_items", ["link_key"], unique=False)
    op.create_index("ix_news_items_content_key", "news_items", ["content_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_news_items_content_key", table_name="news_items")
    op.drop_index("ix_news_items_link_key", table_name="news_items")
    op.drop_index("ix_news_items_source_id", table_name="news_items")
    op.drop_index("ix_news_items_state", table_name="news_items")
    op.drop_table("news_items")
    op.drop_index("ix_news_sources_due", table_name="news_sources")
    op.drop_table("news_sources")

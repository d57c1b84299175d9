"""chat state: conversation state shared by every instance (forms, answer pages, follow-ups)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 12:00:00

Open /addevent and /ingest forms, the "More" pages of answers, the last question of a chat (for
follow-ups) and pending /forget confirmations lived in each process's memory, so a restart or a
second instance behind the load balancer lost them. They now live in `chat_state`, keyed by
(chat, user — 0 for the whole chat —, key), each row with an expiry.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_state",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "user_id", "key", name=op.f("pk_chat_state")),
    )
    op.create_index("ix_chat_state_expires_at", "chat_state", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_chat_state_expires_at", table_name="chat_state")
    op.drop_table("chat_state")

"""sender heartbeats: one row per running sender (its claims carry its id), and two outbox
indexes on (chat_id, state), (chat_id, sent_at) and (sent_at) for chat-exclusive claims and
recent sends

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sender_instances",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("started_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sender_instances")),
    )
    with op.batch_alter_table("sender_instances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sender_instances_name"), ["name"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_chat_state", ["chat_id", "state"], unique=False)
        batch_op.create_index("ix_outbox_chat_sent", ["chat_id", "sent_at"], unique=False)
        batch_op.create_index("ix_outbox_sent_at", ["sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_sent_at")
        batch_op.drop_index("ix_outbox_chat_sent")
        batch_op.drop_index("ix_outbox_chat_state")
    with op.batch_alter_table("sender_instances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sender_instances_name"))
    op.drop_table("sender_instances")

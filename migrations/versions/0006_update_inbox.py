"""update inbox: an update is stored before Telegram is told it arrived, so a crash loses none

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 17:00:00

An update was acknowledged (the webhook's 200, or the next getUpdates offset) once it was on the
process's update queue, so an instance killed (SIGKILL, out of memory, a lost machine) before
handling it lost it: Telegram does not send an acknowledged update again. Each update now goes
into `update_inbox` first (its update_id the key, so one sent again is not handled twice), is
marked done once handled, and one not done when its lease ends is handled again by any instance.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "update_inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("received_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("done_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_update_inbox")),
    )
    op.create_index("ix_update_inbox_done_at", "update_inbox", ["done_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_update_inbox_done_at", table_name="update_inbox")
    op.drop_table("update_inbox")

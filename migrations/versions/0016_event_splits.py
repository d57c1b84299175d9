"""event_splits: pairs of events an admin split apart, never merged together again

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-07 01:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_splits",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "other_id"),
    )
    op.create_index("ix_event_splits_other_id", "event_splits", ["other_id"])


def downgrade() -> None:
    op.drop_index("ix_event_splits_other_id", table_name="event_splits")
    op.drop_table("event_splits")

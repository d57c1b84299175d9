"""weekly editions: a subscription's weekly_day (None: daily; 0-6: weekly on that weekday);
edition_files, an edition's pictures stored once and sent to its chats by reference

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("weekly_day", sa.Integer(), nullable=True))
    op.create_table(
        "edition_files",
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("file_no", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["edition_id"], ["editions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("edition_id", "file_no"),
    )


def downgrade() -> None:
    op.drop_table("edition_files")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("weekly_day")

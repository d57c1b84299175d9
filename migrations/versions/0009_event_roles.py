"""event roles: actor 1 and actor 2, injuries, the original excerpt, merging

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:40:00

Events carried their actors as one list, so a question could not tell who acted from who was
acted on. They now keep actor 1 (who acted) and actor 2 (who was acted on) as ACLED codes them,
injuries beside fatalities, the original passages or dataset notes they were made from
(`excerpt`, so a concise summary loses nothing), and `merged_into` for an event folded into
another that reports the same happening (reversible by an admin).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("events", sa.Column("actor1_text", sa.Text(), nullable=False, server_default=""))
    op.add_column("events", sa.Column("actor2_text", sa.Text(), nullable=False, server_default=""))
    op.add_column("events", sa.Column("injuries", sa.Integer(), nullable=True))
    op.add_column("events", sa.Column("excerpt", sa.Text(), nullable=False, server_default=""))
    op.add_column("events", sa.Column("merged_into", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_events_merged_into"), "events", ["merged_into"])


def downgrade() -> None:
    op.drop_index(op.f("ix_events_merged_into"), table_name="events")
    for name in ("merged_into", "excerpt", "injuries", "actor2_text", "actor1_text"):
        op.drop_column("events", name)

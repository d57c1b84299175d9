"""actors: named actors and their aliases as data, extended by imports and admins

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00

Actor knowledge lived in Python (word lists naming the Taliban and a few others). It now ships
as bot/data/actors.json and lives in `actors`: the shipped actors are synced into the table on
start, imports add the actor names they bring that no known actor goes by, and admins add
actors and aliases. `source` says which (shipped, import, admin).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("countries", sa.String(length=255), nullable=False),
        sa.Column("search_terms", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("name", name=op.f("uq_actors_name")),
    )


def downgrade() -> None:
    op.drop_table("actors")

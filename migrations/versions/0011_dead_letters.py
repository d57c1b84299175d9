"""dead letters: an update that cannot be parsed, stored or handled is set aside, not retried forever

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 21:45:00

An update the inbox could not take, a webhook body that is not a Telegram update, an update PTB
could not parse in getUpdates, or one given up after its attempts used to be logged (or to stall
long polling). Each is now a row of `dead_letters` with its raw body (cut to a size cap), where it
came from and why, so that polling's offset and the webhook's answer move on and an operator can
see what was set aside (/stats, `sitrep stats`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=True),
        sa.Column("received_at", bot.store.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
        sa.UniqueConstraint("update_id", name="uq_dead_letters_update_id"),
    )
    op.create_index("ix_dead_letters_received_at", "dead_letters", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_dead_letters_received_at", table_name="dead_letters")
    op.drop_table("dead_letters")

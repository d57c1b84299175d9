"""world places: an event's place is a gazetteer key, not a row of the places table

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 19:20:00

The gazetteer now covers the world (every country, first- and second-level subdivision and
populated place, shipped as a read-only file beside the code). The `places` table keeps only
what is not in that file: the curated overlay and the places admins and imports add. An event
may therefore name a place that has no row, so `events.place_key` no longer references
`places.key`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint("fk_events_place_key_places", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_events_place_key_places",
            "places",
            ["place_key"],
            ["key"],
            onupdate="CASCADE",
        )



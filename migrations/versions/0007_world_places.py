"""world places: an event's place is a gazetteer key, not a row of the places table

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 19:20:00

The gazetteer now covers the world (every country, first- and second-level subdivision and
populated place, shipped as a read-only file beside the code). The `places` table keeps only
what is not in that file: the curated overlay and the places admins and imports add. An event
may therefore name a place that has no row, so `events.place_key` no longer references
`places.key`.

On SQLite, dropping a constraint copies the table (batch mode), which drops its triggers: the
ones that keep the `events_fts` full-text index in step are created again and the index is
rebuilt from `events`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The triggers of 0002_event_store (SQLite only), created only where they are missing.
SQLITE_FTS_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS events_fts_ai AFTER INSERT ON events BEGIN
        INSERT INTO events_fts(rowid, summary, actors_text, event_type, place_text)
        VALUES (new.id, new.summary, new.actors_text, new.event_type, new.place_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS events_fts_ad AFTER DELETE ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, summary, actors_text, event_type, place_text)
        VALUES ('delete', old.id, old.summary, old.actors_text, old.event_type, old.place_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS events_fts_au
        AFTER UPDATE OF summary, actors_text, event_type, place_text ON events BEGIN
        INSERT INTO events_fts(events_fts, rowid, summary, actors_text, event_type, place_text)
        VALUES ('delete', old.id, old.summary, old.actors_text, old.event_type, old.place_text);
        INSERT INTO events_fts(rowid, summary, actors_text, event_type, place_text)
        VALUES (new.id, new.summary, new.actors_text, new.event_type, new.place_text);
    END""",
]


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint("fk_events_place_key_places", type_="foreignkey")
    _restore_fulltext()


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_events_place_key_places",
            "places",
            ["place_key"],
            ["key"],
            onupdate="CASCADE",
        )
    _restore_fulltext()


def _restore_fulltext() -> None:
    """The SQLite full-text triggers a table copy dropped, and the index rebuilt."""
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS_TRIGGERS:
            op.execute(statement)
        op.execute("INSERT INTO events_fts(events_fts) VALUES ('rebuild')")

"""deferred full-text indexing for bulk loads (SQLite)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 11:50:00

On SQLite the FTS5 index is kept current by an AFTER INSERT trigger, which costs more than the
insert itself on a bulk import. The trigger now stands aside while `events_fts_deferred` holds a
row: a bulk load inserts that row, inserts its events, indexes them with one INSERT … SELECT and
deletes the row, all in one transaction (bot.db.fulltext.deferred_fulltext), so no other
connection ever sees an event missing from the index. PostgreSQL's GIN index needs nothing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INSERT_BODY = """BEGIN
        INSERT INTO events_fts(rowid, summary, actors_text, event_type, place_text)
        VALUES (new.id, new.summary, new.actors_text, new.event_type, new.place_text);
    END"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE events_fts_deferred (id INTEGER PRIMARY KEY)")
    op.execute("DROP TRIGGER events_fts_ai")
    op.execute(
        "CREATE TRIGGER events_fts_ai AFTER INSERT ON events "
        "WHEN NOT EXISTS (SELECT 1 FROM events_fts_deferred) " + _INSERT_BODY
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER events_fts_ai")
    op.execute("CREATE TRIGGER events_fts_ai AFTER INSERT ON events " + _INSERT_BODY)
    op.execute("DROP TABLE events_fts_deferred")

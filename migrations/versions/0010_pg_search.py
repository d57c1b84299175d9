"""PostgreSQL full-text search on a stored vector: one configuration for many languages

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 21:45:00

PostgreSQL searched a GIN index over an expression (`to_tsvector('english', …)`), so every row a
date or place index walked had its vector computed again, and the English configuration dropped
English stop words from phrases. Events now keep their vector in `events.search_vector`, set by
a trigger on every insert and on every change of the searched text, with a GIN index on it;
existing rows are converted here.

The configuration (`sitrep_search`) treats text as SQLite's FTS5 tokenizer does (`porter
unicode61 remove_diacritics 2`), so a question finds the same events on either store: words are
split at punctuation, accents are folded (`unaccent`, when the extension is installed or the role
may create it — otherwise accents are kept and a warning is logged), English suffixes are stemmed
(Snowball English, which leaves other scripts and most other languages' words as written) and no
stop word of any language is dropped, so phrases match as written.

The column is part of the full-text machinery, like SQLite's FTS5 table: no model maps it (so
no write path or copy sees it; the trigger fills it) and autogenerate leaves it out
(`bot.store.migrate.FTS_COLUMNS`). SQLite is unchanged.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger(__name__)

CONFIG = "sitrep_search"
STEMMER = "sitrep_stem"
DOCUMENT_FUNCTION = "sitrep_search_document"
TRIGGER_FUNCTION = "events_search_vector_set"
TRIGGER = "events_search_vector"
INDEX = "events_fts_vector"  # events_fts*: left out of autogenerate (bot.store.migrate)
OLD_INDEX = "events_fts_gin"
OLD_EXPRESSION = (
    "to_tsvector('english', coalesce(summary, '') || ' ' || coalesce(actors_text, '') || ' ' "
    "|| coalesce(event_type, '') || ' ' || coalesce(place_text, ''))"
)
WORD_TOKENS = "asciiword, word, numword, hword_asciipart, hword_part, hword_numpart"
NUMBER_TOKENS = "int, uint"


def _unaccent_ready() -> bool:
    """Whether the unaccent dictionary exists or could be created by this role."""
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'").first():
        return True
    available = bind.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'"
    ).first()
    if not available:
        return False
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _create_pg() -> None:
    unaccent = _unaccent_ready()
    if not unaccent:
        log.warning(
            "unaccent is not available to this role: search keeps accents. Later, after "
            "CREATE EXTENSION unaccent: ALTER TEXT SEARCH CONFIGURATION %s ALTER MAPPING FOR "
            "%s WITH unaccent, %s; then UPDATE events SET search_vector = NULL (the trigger "
            "recomputes each vector)",
            CONFIG,
            WORD_TOKENS,
            STEMMER,
        )
    op.execute(f"CREATE TEXT SEARCH DICTIONARY {STEMMER} (TEMPLATE = snowball, Language = english)")
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (PARSER = pg_catalog.default)")
    words = f"unaccent, {STEMMER}" if unaccent else STEMMER
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ADD MAPPING FOR {WORD_TOKENS} WITH {words}"
    )
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ADD MAPPING FOR {NUMBER_TOKENS} WITH simple"
    )
    # Punctuation becomes a space first, as FTS5's unicode61 splits there: "al-Qaeda" is the two
    # words "al qaeda", "3.5" two numbers, and no compound token shifts the positions phrases use.
    op.execute(
        f"""CREATE FUNCTION {DOCUMENT_FUNCTION}(summary text, actors text, kind text, place text)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT to_tsvector('{CONFIG}', regexp_replace(
                coalesce(summary, '') || ' ' || coalesce(actors, '') || ' ' || coalesce(kind, '')
                || ' ' || coalesce(place, ''), '[[:punct:]]+', ' ', 'g'))
        $$"""
    )
    op.execute(
        f"""CREATE FUNCTION {TRIGGER_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_vector := {DOCUMENT_FUNCTION}(
                NEW.summary, NEW.actors_text, NEW.event_type, NEW.place_text);
            RETURN NEW;
        END $$"""
    )
    op.add_column(
        "events", sa.Column("search_vector", sa.dialects.postgresql.TSVECTOR(), nullable=True)
    )
    op.execute(
        f"UPDATE events SET search_vector = "
        f"{DOCUMENT_FUNCTION}(summary, actors_text, event_type, place_text)"
    )
    op.execute(
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF summary, actors_text, event_type,"
        f" place_text, search_vector ON events FOR EACH ROW EXECUTE FUNCTION {TRIGGER_FUNCTION}()"
    )
    op.execute(f"CREATE INDEX {INDEX} ON events USING GIN (search_vector)")
    op.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    op.execute("ANALYZE events")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        _create_pg()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON events USING GIN ({OLD_EXPRESSION})")
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON events")
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    op.drop_column("events", "search_vector")
    op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER_FUNCTION}()")
    op.execute(f"DROP FUNCTION IF EXISTS {DOCUMENT_FUNCTION}(text, text, text, text)")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    op.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {STEMMER}")

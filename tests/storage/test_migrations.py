"""Migrations: empty → head matches the models exactly, and head → base leaves nothing behind."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

import bot.store.models  # noqa: F401  (registers every table on Base.metadata)
from bot.store.migrate import current_revision, downgrade, head_revision, include_name, upgrade
from bot.store.models.base import Base
from bot.store.session import create_engine


def _diff(conn: Connection) -> list[object]:
    ctx = MigrationContext.configure(
        conn, opts={"include_name": include_name, "compare_type": True}
    )
    return list(compare_metadata(ctx, Base.metadata))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


async def test_upgrade_matches_models_then_downgrade_to_base(empty_db_url: str) -> None:
    assert await current_revision(empty_db_url) is None
    await upgrade(empty_db_url)
    assert await current_revision(empty_db_url) == head_revision()

    engine = create_engine(empty_db_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
            tables = await conn.run_sync(_tables)
        assert {"chats", "users", "admins", "events", "sources", "articles", "places"} <= tables

        await downgrade(empty_db_url, "base")
        assert await current_revision(empty_db_url) is None
        async with engine.connect() as conn:
            left = await conn.run_sync(_tables)
        assert left <= {"alembic_version"}
    finally:
        await engine.dispose()


async def test_upgrade_twice_is_a_no_op(empty_db_url: str) -> None:
    await upgrade(empty_db_url)
    await upgrade(empty_db_url)
    assert await current_revision(empty_db_url) == head_revision()


async def test_the_sqlite_full_text_triggers_survive_every_revision(sqlite_db_url: str) -> None:
    """A revision that copies `events` (SQLite batch mode) must not leave the index behind."""
    engine = create_engine(sqlite_db_url)
    try:
        async with engine.connect() as conn:
            names = (
                (
                    await conn.exec_driver_sql(
                        "SELECT name FROM sqlite_master "
                        "WHERE type = 'trigger' AND tbl_name = 'events'"
                    )
                )
                .scalars()
                .all()
            )
            assert {"events_fts_ai", "events_fts_ad", "events_fts_au"} <= set(names)
    finally:
        await engine.dispose()

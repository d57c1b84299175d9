"""ActorStore on SQLite and PostgreSQL: the shipped sync, learning from imports, admin edits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from bot.domain.actors.loading import shipped_actors
from bot.domain.actors.model import ActorError
from bot.domain.actors.registry import ActorRegistry
from bot.domain.clock import FixedClock
from bot.store.actors import ActorStore
from bot.store.models.actors import ActorRow
from bot.store.session import create_engine, create_sessionmaker
from tests.support.actors import actor_row, actor_rows

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[ActorStore]:
    engine = create_engine(db_url)
    try:
        actors = ActorStore(create_sessionmaker(engine), FixedClock(NOW), ActorRegistry())
        await actors.load()
        yield actors
    finally:
        await engine.dispose()


def _fresh(store: ActorStore) -> ActorStore:
    """Another instance's store on the same database (a restart)."""
    return ActorStore(store._sessions, FixedClock(NOW), ActorRegistry())


async def test_load_syncs_the_shipped_file_once(store: ActorStore) -> None:
    shipped = len(shipped_actors())
    assert len(store.registry) == shipped == await actor_rows(store._sessions)
    assert await _fresh(store).load() == 0  # nothing to write the second time
    row = await actor_row(store._sessions, "Rapid Support Forces")
    assert row is not None and row.source == "shipped" and "RSF" in row.aliases.split("\n")
    assert row.countries.split() == ["SD", "TD"]


async def test_admin_aliases_survive_a_restart_and_stale_shipped_rows_go(store: ActorStore) -> None:
    await store.alias("Hamas", "Harakat Hamas", by=7)
    await store.add("Zed Brigade", ["ZB"], kind="militia", by=7)
    async with store._sessions.begin() as s:
        await s.execute(
            update(ActorRow).where(ActorRow.name == "G9").values(kind="political", name="G9 old")
        )
    again = _fresh(store)
    await again.load()
    assert again.registry.names_in("Harakat Hamas and the ZB") == ["Hamas", "Zed Brigade"]
    assert again.registry.get("G9") is not None and again.registry.get("G9 old") is None
    assert await actor_row(store._sessions, "G9 old") is None


async def test_learn_adds_only_new_names(store: ActorStore) -> None:
    before = await actor_rows(store._sessions)
    added = await store.learn(
        [
            "Military Forces of Sudan (2019-)",
            "Police Forces of Sudan (2019-)",
            "Civilians (Sudan)",
            "RSF",
            "Police Forces of Sudan (2019-)",
        ]
    )
    assert [a.name for a in added] == ["Police Forces of Sudan (2019-)"]
    assert await store.learn(["Police Forces of Sudan (2019-)"]) == []
    assert await actor_rows(store._sessions) == before + 1
    row = await actor_row(store._sessions, "Police Forces of Sudan (2019-)")
    assert row is not None and row.source == "import" and row.kind == "unknown"
    assert store.registry.names_in("Police Forces of Sudan (2019-) arrested") == [
        "Police Forces of Sudan (2019-)"
    ]
    assert (await _fresh(store).load()) == 0  # imported actors stay, unchanged


async def test_admin_edits_checked_before_any_write(store: ActorStore) -> None:
    before = await actor_rows(store._sessions)
    for call in (
        store.add("RSF"),
        store.add("New Front", ["Hamas"]),
        store.alias("Nobody", "Somebody"),
        store.alias("Hamas", "Hezbollah"),
        store.alias("Hamas", "hamas"),
        store.remove("Taliban"),
    ):
        with pytest.raises(ActorError):
            await call
    assert await actor_rows(store._sessions) == before
    assert await store.remove("Nobody at all") is False


async def test_remove_an_added_actor(store: ActorStore) -> None:
    await store.add("Zed Brigade", ["ZB"])
    assert await store.remove("ZB") is True
    assert await actor_row(store._sessions, "Zed Brigade") is None
    assert store.registry.resolve("ZB") is None


async def test_search_list_grows_with_admin_aliases(store: ActorStore) -> None:
    await store.alias("Taliban", "Talibs")
    assert "talibs" in store.registry.search_terms("Taliban")
    row = await actor_row(store._sessions, "Taliban")
    assert row is not None and row.search_terms.split("\n")[-1] == "Talibs"

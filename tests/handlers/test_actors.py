"""/actors through the real app: list, find, add, alias, remove; escaping; non-admins refused."""

from __future__ import annotations

import pytest

from tests.support.actors import actor_row, actor_rows
from tests.support.harness import ADMIN_ID, USER_ID, Harness


async def test_list_and_find(bot: Harness) -> None:
    [listing] = await bot.send("/actors", user_id=ADMIN_ID)
    assert "Rapid Support Forces" in listing["text"] and "armed group" in listing["text"]
    [card] = await bot.send("/actors find rsf", user_id=ADMIN_ID)
    assert "Rapid Support Forces" in card["text"] and "قوات الدعم السريع" in card["text"]
    [hint] = await bot.send("/actors find Hezbolah", user_id=ADMIN_ID)
    assert "No actor" in hint["text"] and "Hezbollah" in hint["text"]


async def test_add_alias_remove_reach_store_registry_and_questions(bot: Harness) -> None:
    before = await actor_rows(bot.services.sessions)
    [added] = await bot.send(
        "/actors add Zone Defence Brigade <b> | ZDB, Brigade of the Zone", user_id=ADMIN_ID
    )
    assert "Added" in added["text"]
    assert "&lt;b&gt;" in bot.api.calls_to("sendMessage")[-1].params["text"]
    assert await actor_rows(bot.services.sessions) == before + 1
    row = await actor_row(bot.services.sessions, "Zone Defence Brigade <b>")
    assert row is not None and row.source == "admin" and row.added_by == ADMIN_ID
    registry = bot.services.actors.registry
    assert registry.names_in("ZDB fighters attacked") == ["Zone Defence Brigade <b>"]

    [alias] = await bot.send("/actors alias ZDB | Zonal Brigade", user_id=ADMIN_ID)
    assert "now means" in alias["text"]
    assert registry.names_in("the Zonal Brigade") == ["Zone Defence Brigade <b>"]
    row = await actor_row(bot.services.sessions, "Zone Defence Brigade <b>")
    assert row is not None and "Zonal Brigade" in row.aliases.split("\n")

    [removed] = await bot.send("/actors remove Zone Defence Brigade <b>", user_id=ADMIN_ID)
    assert "Removed" in removed["text"]
    assert await actor_rows(bot.services.sessions) == before
    assert registry.names_in("ZDB fighters attacked") == []


@pytest.mark.parametrize(
    ("command", "expect"),
    [
        ("/actors add RSF", "already a name of Rapid Support Forces"),
        ("/actors add New Group | Hamas", "already names Hamas"),
        ("/actors add | alias", "empty"),
        ("/actors alias Nobody Known | Alias", "I don't know an actor"),
        ("/actors alias Hamas | Hamas", "already a name of Hamas"),
        ("/actors alias Hamas | Hezbollah", "already names Hezbollah"),
        ("/actors alias Hamas", "Use:"),
        ("/actors remove Taliban", "ships with Sitrep"),
        ("/actors frobnicate", "Use:"),
        ("/actors add " + "x" * 130, "longer than"),
    ],
)
async def test_bad_actor_input_changes_nothing(bot: Harness, command: str, expect: str) -> None:
    before = await actor_rows(bot.services.sessions)
    known = len(bot.services.actors.registry)
    [reply] = await bot.send(command, user_id=ADMIN_ID)
    assert expect in reply["text"]
    assert await actor_rows(bot.services.sessions) == before
    assert len(bot.services.actors.registry) == known


@pytest.mark.parametrize(
    "command",
    ["/actors", "/actors add X Group | XG", "/actors alias Hamas | HMS", "/actors remove X"],
)
async def test_non_admins_refused(bot: Harness, command: str) -> None:
    before = await actor_rows(bot.services.sessions)
    [reply] = await bot.send(command, user_id=USER_ID)
    assert reply["text"] == "Sorry, that command is for Sitrep admins only."
    assert await actor_rows(bot.services.sessions) == before
    assert bot.services.actors.registry.resolve("HMS") is None

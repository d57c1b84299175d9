"""/places and /figures through the real app; user text is escaped; non-admins refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.store.models.delivery import KeyFigureRow
from bot.store.models.events import PlaceRow
from tests.support.harness import ADMIN_ID, USER_ID, Harness


async def _places(bot: Harness) -> int:
    async with bot.services.sessions() as s:
        return int(await s.scalar(select(func.count(PlaceRow.key))) or 0)


async def test_find_add_alias_place(bot: Harness) -> None:
    [found] = await bot.send("/places find Islam Qala", user_id=ADMIN_ID)
    assert "islam-qala" in found["text"] and "Herat province" in found["text"]
    before = await _places(bot)
    [added] = await bot.send(
        "/places add Kohsan Bazaar | Herat | 34.65, 61.2 | Kuhsan Bazar", user_id=ADMIN_ID
    )
    assert "Added" in added["text"] and "Herat province" in added["text"]
    assert await _places(bot) == before + 1
    place = bot.services.gazetteer.resolve("Kuhsan Bazar")
    assert place is not None and place.lat == 34.65 and place.parent == "herat"
    [alias] = await bot.send("/places alias Islam Qala | Islamqala Port <x>", user_id=ADMIN_ID)
    assert "&lt;x&gt;" in bot.api.calls_to("sendMessage")[-1].params["text"]
    assert bot.services.gazetteer.resolve("Islamqala Port <x>").key == "islam-qala"
    # The admin's place survives a restart: it is in the store.
    async with bot.services.sessions() as s:
        row = await s.get(PlaceRow, place.key)
    assert row is not None and row.source == "admin"
    assert alias


@pytest.mark.parametrize(
    ("command", "expect"),
    [
        ("/places add Nowhere", "parent"),
        ("/places add Somewhere | Zorgastan <b>", "I don't know the parent"),
        ("/places add Somewhere | Herat | 99, 500", "latitude"),
        ("/places find Zorgabad", "No place"),
        ("/places", "Use:"),
    ],
)
async def test_bad_place_input_changes_nothing(bot: Harness, command: str, expect: str) -> None:
    before = await _places(bot)
    [reply] = await bot.send(command, user_id=ADMIN_ID)
    assert expect in reply["text"]
    assert await _places(bot) == before


async def test_figures_add_list_remove_and_show_in_briefing(bot: Harness) -> None:
    [added] = await bot.send(
        "/figures add Taliban hold about a third of 421 districts | 2021-07-09 | AP",
        user_id=ADMIN_ID,
    )
    assert "Key figure #1 added" in added["text"]
    [listing] = await bot.send("/figures", user_id=ADMIN_ID)
    assert "as of 9 Jul 2021, AP" in listing["text"]
    figures = await bot.services.briefings.figures()
    assert [f.text for f in figures] == ["Taliban hold about a third of 421 districts"]
    [bad] = await bot.send("/figures add Something | someday | AP", user_id=ADMIN_ID)
    assert "could not read the date" in bad["text"]
    [future] = await bot.send("/figures add Something | 2031-01-01 | AP", user_id=ADMIN_ID)
    assert "future" in future["text"]
    await bot.send("/figures remove 1", user_id=ADMIN_ID)
    assert await bot.services.briefings.figures() == []


@pytest.mark.parametrize(
    "command",
    ["/places add X | Herat", "/places alias Herat | Hirat", "/figures add A | 2021-07-09 | B"],
)
async def test_non_admins_refused(bot: Harness, command: str) -> None:
    before = await _places(bot)
    [reply] = await bot.send(command, user_id=USER_ID)
    assert reply["text"] == "Sorry, that command is for Sitrep admins only."
    assert await _places(bot) == before
    async with bot.services.sessions() as s:
        assert await s.scalar(select(func.count(KeyFigureRow.id))) == 0

"""User text with HTML specials is escaped everywhere it is echoed (Telegram would refuse it)."""

from __future__ import annotations

import pytest

from tests.support.harness import ADMIN_ID, Harness

NASTY = "<b>Zorg & abad</i>"


@pytest.mark.parametrize(
    "command",
    [
        f"/subscribe {NASTY}",
        f"/timezone {NASTY}",
        f"/events {NASTY}",
        f"/audience {NASTY}",
        f"/places find {NASTY}",
        f"/addevent 2021-07-08 | {NASTY} | Fighting reported near the village | AP",
        f"/editevent 1 place {NASTY}",
        f"/push since {NASTY}",
        f"/ingest {NASTY}",
        f"/timeline {NASTY}",
        f"/search {NASTY}",
        NASTY,
        f"what happened at {NASTY}?",
    ],
)
async def test_echoed_user_text_is_escaped(bot: Harness, command: str) -> None:
    await bot.send(
        "/addevent 2021-07-08 | Islam Qala | Taliban seized the crossing | AP", user_id=ADMIN_ID
    )
    await bot.send("/subscribe", user_id=ADMIN_ID)
    await bot.send("/push text hello", user_id=ADMIN_ID)
    replies = await bot.send(command, user_id=ADMIN_ID)
    assert replies, "the bot answered"
    for reply in replies:
        assert "something went wrong" not in reply["text"]
    failed = [c for c in bot.api.calls if not c.ok]
    assert failed == [], [c.description for c in failed]

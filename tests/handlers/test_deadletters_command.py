"""/deadletters: admins see the updates set aside, newest first, every value escaped and the
whole within one message; anyone else gets the one-line refusal."""

from __future__ import annotations

from tests.support.harness import ADMIN_ID, USER_ID, Harness
from tests.support.texts import REFUSAL


async def set_aside(bot: Harness, count: int, reason: str = "handler failed") -> None:
    """`count` dead letters, update ids 900.. (the last one newest)."""
    letters = bot.services.inbox.dead_letters
    for n in range(count):
        await letters.record(900 + n, "handler", f"{reason} #{n}", b'{"update_id": 1}')


async def test_admins_see_the_newest_escaped(bot: Harness) -> None:
    await set_aside(bot, 2, reason="<b>bold</b> & <script>")
    [reply] = await bot.send("/deadletters", user_id=ADMIN_ID)
    text = reply["text"]  # as Telegram shows it: entities, not tags
    assert "Updates set aside" in text and "latest 2" in text
    assert text.index("update 901") < text.index("update 900")  # newest first
    assert "<b>bold</b> & <script> #1" in text  # shown as written, not read as markup
    assert "sitrep deadletters --show" in text


async def test_many_fit_one_message(bot: Harness) -> None:
    await set_aside(bot, 40, reason="x" * 300)
    [reply] = await bot.send("/deadletters 30", user_id=ADMIN_ID)
    assert len(reply["text"]) <= 4096 and "update 939" in reply["text"]


async def test_others_are_refused(bot: Harness) -> None:
    await set_aside(bot, 1)
    [reply] = await bot.send("/deadletters", user_id=USER_ID)
    assert reply["text"] == REFUSAL


async def test_nothing_set_aside(bot: Harness) -> None:
    [reply] = await bot.send("/deadletters", user_id=ADMIN_ID)
    assert "None." in reply["text"]

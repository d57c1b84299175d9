"""Nothing in the application's memory grows with the number of chats and users it meets: PTB's
persistence notes stay empty (Sitrep keeps its state in the database), and so do PTB's chat and
user data (no handler uses them). The question limiters have their own bound
(test_question_limiters.py)."""

from __future__ import annotations

from tests.support.harness import Harness


async def test_many_users_and_chats_leave_nothing_behind_in_memory(bot: Harness) -> None:
    for n in range(40):
        await bot.send("/start", user_id=50_000 + n)
        await bot.send("hello", user_id=60_000 + n, chat_id=-100_777_000 - n, chat_type="group")
    app = bot.app
    assert len(bot.api.sent(50_039)) == 1  # handled
    assert app._chat_ids_to_be_updated_in_persistence == set()
    assert app._user_ids_to_be_updated_in_persistence == set()
    assert not app.chat_data and not app.user_data

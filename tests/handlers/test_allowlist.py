"""The allowlist through the real app: ACCESS=allowlist, /allow, /deny, /allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store.models.delivery import SubscriptionRow
from bot.store.models.newsroom import AllowRow, QuestionLogRow
from bot.store.models.people import Chat, User
from tests.support.admin_tools import MEMBER, PLAIN_ADMIN, audit, rows
from tests.support.harness import ADMIN_ID, GROUP_ID, USER_ID, Harness, running_bot
from tests.support.harness import test_settings as make_settings
from tests.support.texts import PRIVATE_LINE

pytestmark = pytest.mark.slow


STRANGER = 4242


@pytest.fixture
async def closed(sqlite_db_url: str) -> AsyncIterator[Harness]:
    """The app with ACCESS=allowlist."""
    settings = make_settings(sqlite_db_url, access="allowlist")
    async with running_bot(sqlite_db_url, settings=settings) as harness:
        yield harness


# --------------------------------------------------------------------------- allowlist


async def test_stranger_gets_one_line_and_is_not_stored(closed: Harness) -> None:
    [reply] = await closed.send("what happened at Islam Qala?", user_id=STRANGER)
    assert reply["text"] == PRIVATE_LINE
    [reply] = await closed.send("/start", user_id=STRANGER)
    assert reply["text"] == PRIVATE_LINE
    # In a group only when addressed: a command, a mention or a reply; other chatter is ignored.
    assert await closed.send("just chatting", user_id=STRANGER, chat_id=GROUP_ID) == []
    assert await closed.send("/start@other_bot", user_id=STRANGER, chat_id=GROUP_ID) == []
    [reply] = await closed.send(
        f"hi @{closed.api.bot_username}", user_id=STRANGER, chat_id=GROUP_ID
    )
    assert reply["text"] == PRIVATE_LINE
    await closed.press(reply, "s:time", user_id=STRANGER, check=False)
    assert closed.answers()[-1] == PRIVATE_LINE
    assert await rows(closed, User, User.id == STRANGER) == 0
    assert await rows(closed, Chat) == 0
    assert await rows(closed, SubscriptionRow) == 0 and await rows(closed, QuestionLogRow) == 0


async def test_allowed_user_and_chat_work_until_denied(closed: Harness) -> None:
    [help_] = await closed.send("/help", user_id=ADMIN_ID)  # owners are always allowed
    assert "Commands" in help_["text"]
    [ok] = await closed.send(f"/allow {USER_ID} field reporter", user_id=ADMIN_ID)
    assert ok["text"] == f"Allowed user {USER_ID}."
    [ok] = await closed.send(f"/allow {GROUP_ID} team", user_id=ADMIN_ID)
    assert ok["text"] == f"Allowed chat {GROUP_ID}."
    [reply] = await closed.send("/subscribe Herat", user_id=USER_ID)
    assert "Subscribed" in reply["text"]
    assert await rows(closed, User, User.id == USER_ID) == 1
    # Anyone in an allowed group may use the bot there.
    [reply] = await closed.send(
        f"/help@{closed.api.bot_username}", user_id=MEMBER, chat_id=GROUP_ID
    )
    assert "Commands" in reply["text"]
    [listing] = await closed.send("/allowed", user_id=ADMIN_ID)
    assert f"user {USER_ID} — field reporter" in listing["text"]
    assert f"chat {GROUP_ID} — team" in listing["text"]
    assert "ACCESS=allowlist" in listing["text"]
    [denied] = await closed.send(f"/deny {USER_ID}", user_id=ADMIN_ID)
    assert denied["text"] == f"{USER_ID} is off the allowlist."
    [reply] = await closed.send("/help", user_id=USER_ID)
    assert reply["text"] == PRIVATE_LINE
    [none] = await closed.send(f"/deny {USER_ID}", user_id=ADMIN_ID)
    assert "not on the allowlist" in none["text"]
    actions = [e.action for e in await audit(closed).recent(20)]
    assert actions.count("allow_command") == 2 and actions.count("deny_command") == 2


async def test_admin_added_in_chat_passes_the_gate(closed: Harness) -> None:
    [reply] = await closed.send("/stats", user_id=PLAIN_ADMIN)
    assert reply["text"] == PRIVATE_LINE
    await closed.send(f"/admins add {PLAIN_ADMIN}", user_id=ADMIN_ID)
    [reply] = await closed.send("/stats", user_id=PLAIN_ADMIN)
    assert "Sitrep statistics" in reply["text"]


@pytest.mark.parametrize("arg", ["", "abc", "0", "12345678901234567890", "1.5"])
async def test_allow_usage(bot: Harness, arg: str) -> None:
    [reply] = await bot.send(f"/allow {arg}".strip(), user_id=ADMIN_ID)
    assert reply["text"].startswith("Use: /allow")
    assert await rows(bot, AllowRow) == 0

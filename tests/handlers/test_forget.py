"""/forget through the real app: what it deletes, what it keeps, who may use it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.store.models.delivery import OutboxRow, SubscriptionRow
from bot.store.models.events import EventRow
from bot.store.models.newsroom import AllowRow, AuditRow, QuestionLogRow
from bot.store.models.people import Chat, User
from tests.support.admin_tools import MEMBER, rows, table_counts
from tests.support.harness import ADMIN_ID, GROUP_ID, USER_ID, Harness

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------- /forget


async def _footprint(h: Harness, user_id: int, chat_id: int) -> dict[str, int]:
    return {
        "user": await rows(h, User, User.id == user_id),
        "chat": await rows(h, Chat, Chat.id == chat_id),
        "sub": await rows(h, SubscriptionRow, SubscriptionRow.chat_id == chat_id),
        "outbox": await rows(h, OutboxRow, OutboxRow.chat_id == chat_id),
        "questions": await rows(
            h,
            QuestionLogRow,
            (QuestionLogRow.user_id == user_id) | (QuestionLogRow.chat_id == chat_id),
        ),
    }


async def _with_history(h: Harness, user_id: int, chat_id: int, *, group: bool = False) -> None:
    """A subscription, one queued and one sent message, and two logged questions."""
    where: dict[str, Any] = {"chat_id": chat_id} if group else {}
    [reply] = await h.send("/subscribe Herat", user_id=user_id, **where)
    assert "Subscribed" in reply["text"]
    now = h.clock.now()
    async with h.services.sessions.begin() as session:
        for n, state in enumerate(("queued", "sent")):
            session.add(
                OutboxRow(
                    kind="edition",
                    dedupe_key=f"t:{chat_id}:{n}",
                    chat_id=chat_id,
                    state=state,
                    text="briefing",
                    not_before=now,
                    created_at=now - timedelta(hours=n),
                )
            )
        for keys in ("herat", "kunduz"):
            session.add(
                QuestionLogRow(at=now, user_id=user_id, chat_id=chat_id, place_keys=keys, found=1)
            )


async def test_forget_in_private_deletes_what_it_says_and_nothing_else(bot: Harness) -> None:
    other = 1002
    await _with_history(bot, USER_ID, USER_ID)
    await _with_history(bot, other, other)
    await bot.send(
        "/addevent 2021-07-08 | Islam Qala | Taliban seized the crossing | AP", user_id=ADMIN_ID
    )
    await bot.send(f"/allow {USER_ID}", user_id=ADMIN_ID)
    others_before = await _footprint(bot, other, other)
    assert others_before == {"user": 1, "chat": 1, "sub": 1, "outbox": 2, "questions": 2}
    [prompt] = await bot.send("/forget", user_id=USER_ID)
    assert "Forget you?" in prompt["text"]
    assert (await _footprint(bot, USER_ID, USER_ID))["user"] == 1  # nothing before the button
    [done] = await bot.press(prompt, "fg:yes", user_id=USER_ID)
    text = done["text"]
    for line in (
        "your user record",
        "this chat's record",
        "subscription",
        "2 messages queued or sent",
        "2 question-log entries",
        "Kept: the allowlist entry",
    ):
        assert line in text
    # The button press itself was recorded by the seen-recorder before the deletion.
    assert await _footprint(bot, USER_ID, USER_ID) == {
        "user": 0,
        "chat": 0,
        "sub": 0,
        "outbox": 0,
        "questions": 0,
    }
    assert await _footprint(bot, other, other) == others_before
    assert await rows(bot, AllowRow) == 1 and await rows(bot, EventRow) == 1
    # Replaying the confirmation is refused and deletes nothing more.
    await bot.send("/help", user_id=USER_ID)  # stored anew
    await bot.press(prompt, "fg:yes", user_id=USER_ID)
    assert bot.answers()[-1] == "That button is not valid any more."
    assert (await _footprint(bot, USER_ID, USER_ID))["user"] == 1


async def test_forget_no_keeps_everything(bot: Harness) -> None:
    await _with_history(bot, USER_ID, USER_ID)
    before = await table_counts(bot)
    [prompt] = await bot.send("/forget", user_id=USER_ID)
    [cancelled] = await bot.press(prompt, "fg:no", user_id=USER_ID)
    assert cancelled["text"] == "Cancelled; nothing was deleted."
    assert await table_counts(bot) == before
    await bot.press(prompt, "fg:yes", user_id=USER_ID)
    assert "not valid" in bot.answers()[-1]
    assert await table_counts(bot) == before


@pytest.mark.parametrize("data", ["fg:maybe", "fg:yes:1", "fg:", "fgyes", "fg:YES"])
async def test_forget_tampered_buttons(bot: Harness, data: str) -> None:
    await _with_history(bot, USER_ID, USER_ID)
    [prompt] = await bot.send("/forget", user_id=USER_ID)
    before = await table_counts(bot)
    await bot.press(prompt, data, user_id=USER_ID, check=False)
    assert "not valid" in bot.answers()[-1]
    assert await table_counts(bot) == before


async def test_forget_in_a_group_only_chat_admins(bot: Harness) -> None:
    bot.api.add_chat(GROUP_ID, "supergroup", title="Field team")
    bot.api.set_member_status(GROUP_ID, USER_ID, "administrator")
    bot.api.set_member_status(GROUP_ID, MEMBER, "member")
    await _with_history(bot, USER_ID, GROUP_ID, group=True)
    await _with_history(bot, USER_ID, USER_ID)
    [refused] = await bot.send("/forget", user_id=MEMBER, chat_id=GROUP_ID)
    assert refused["text"] == "Only this chat's admins can make Sitrep forget it."
    [prompt] = await bot.send("/forget", user_id=USER_ID, chat_id=GROUP_ID)
    assert "Forget this chat?" in prompt["text"]
    before = await table_counts(bot)
    await bot.press(prompt, "fg:yes", user_id=MEMBER)
    assert bot.answers()[-1] == "Only the person who asked can confirm this."
    assert await table_counts(bot) == before
    [done] = await bot.press(prompt, "fg:yes", user_id=USER_ID)
    assert "this chat's record" in done["text"] and "your user record" not in done["text"]
    assert await rows(bot, Chat, Chat.id == GROUP_ID) == 0
    assert await rows(bot, SubscriptionRow, SubscriptionRow.chat_id == GROUP_ID) == 0
    assert await rows(bot, OutboxRow, OutboxRow.chat_id == GROUP_ID) == 0
    assert await rows(bot, QuestionLogRow, QuestionLogRow.chat_id == GROUP_ID) == 0
    # The admin's own user record and private subscription stay.
    assert await _footprint(bot, USER_ID, USER_ID) == {
        "user": 1,
        "chat": 1,
        "sub": 1,
        "outbox": 2,
        "questions": 2,
    }
    # /forget is not an admin command: it is not audited (the audit would keep the id).
    assert await rows(bot, AuditRow) == 0


async def test_after_forget_the_chat_can_subscribe_again(bot: Harness) -> None:
    await _with_history(bot, USER_ID, USER_ID)
    [prompt] = await bot.send("/forget", user_id=USER_ID)
    await bot.press(prompt, "fg:yes", user_id=USER_ID)
    [reply] = await bot.send("/subscribe Kunduz", user_id=USER_ID)
    assert "Subscribed" in reply["text"]
    assert await rows(bot, Chat, Chat.id == USER_ID) == 1

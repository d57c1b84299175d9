"""Manual pushes, flash alerts and corrections through the real app, the outbox and the sender."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.domain.events.model import EventDraft, Severity, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate, Precision
from bot.store.models.delivery import OutboxRow
from bot.store.models.newsroom import PushRow
from tests.support.harness import ADMIN_ID, USER_ID, Harness

pytestmark = pytest.mark.slow

HERAT_CHAT, KUNDUZ_CHAT, ALL_CHAT = 2001, 2002, 2003
REPORTED = datetime(2021, 7, 10, 3, 0, tzinfo=UTC)


async def _setup(bot: Harness) -> int:
    subs = bot.services.subscriptions
    for chat_id, places in ((HERAT_CHAT, ["herat"]), (KUNDUZ_CHAT, ["kunduz"]), (ALL_CHAT, [])):
        bot.api.add_chat(chat_id, "private", first_name=f"Reader{chat_id}")
        await subs.subscribe(chat_id, places=places)
    result = await bot.services.events.add(
        EventDraft(
            summary="Taliban seized the Islam Qala crossing to Iran.",
            when=FuzzyDate(date(2021, 7, 8), Precision.DAY),
            place_key="islam-qala",
            place_text="Islam Qala",
            sources=(SourceInfo("AP", "https://apnews.com/x", published_at=REPORTED),),
        )
    )
    return result.event.id


def _control(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return next(m for m in messages if m.get("reply_markup"))


async def _outbox(bot: Harness) -> int:
    async with bot.services.sessions() as s:
        return int(await s.scalar(select(func.count(OutboxRow.id))) or 0)


async def test_push_preview_equals_what_subscribers_receive_and_confirm_is_once(
    bot: Harness,
) -> None:
    await _setup(bot)
    replies = await bot.send("/push today", user_id=ADMIN_ID)
    preview = [m["text"] for m in replies if not m.get("reply_markup")]
    control = _control(replies)
    assert "Islam Qala" in preview[0] and "3 chats" in control["text"]
    await bot.press(
        control, control["reply_markup"]["inline_keyboard"][0][0]["callback_data"], user_id=ADMIN_ID
    )
    await bot.press(
        control,
        f"pc:{control['reply_markup']['inline_keyboard'][0][0]['callback_data'][3:]}",
        user_id=ADMIN_ID,
        check=False,
    )
    assert "already confirmed" in bot.answers()[-1]
    assert await _outbox(bot) == 3
    await bot.sender.drain()
    for chat in (HERAT_CHAT, KUNDUZ_CHAT, ALL_CHAT):
        assert [m["text"] for m in bot.api.sent(chat)] == [
            m["text"] for m in replies if not m.get("reply_markup")
        ]
    # Preview and delivery are byte-identical HTML, too.
    calls = [c.params["text"] for c in bot.api.calls_to("sendMessage")]
    assert calls.count(calls[0]) == 4


async def test_audience_place_and_another_admins_confirm_is_rejected(bot: Harness) -> None:
    await _setup(bot)
    await bot.send("/admins add 888", user_id=ADMIN_ID)
    replies = await bot.send("/push text Road to Islam Qala <closed> & guarded", user_id=ADMIN_ID)
    assert "&lt;closed&gt; &amp; guarded" in bot.api.calls_to("sendMessage")[-2].params["text"]
    [control] = await bot.send("/audience Herat", user_id=ADMIN_ID)
    assert "subscribers of Herat" in control["text"] and "2 chats" in control["text"]
    data = control["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await bot.press(control, data, user_id=USER_ID)
    assert await _outbox(bot) == 0
    async with bot.services.sessions() as s:
        other_admin = await s.scalar(select(func.count(PushRow.id)))
    assert other_admin == 1
    await bot.press(control, data, user_id=ADMIN_ID)
    await bot.sender.drain()
    assert bot.api.sent(KUNDUZ_CHAT) == []
    assert len(bot.api.sent(HERAT_CHAT)) == 1 and len(bot.api.sent(ALL_CHAT)) == 1
    assert replies


async def test_cancel_mid_push_keeps_sent_and_cancels_queued(bot: Harness) -> None:
    await _setup(bot)
    replies = await bot.send("/push today", user_id=ADMIN_ID)
    control = _control(replies)
    await bot.press(
        control, control["reply_markup"]["inline_keyboard"][0][0]["callback_data"], user_id=ADMIN_ID
    )
    sender = bot.sender
    claimed = await sender.outbox.claim(sender.instance, 1)
    await sender._deliver(claimed[0])
    [reply] = await bot.send("/cancelpush", user_id=ADMIN_ID)
    assert "1 sent, 2 not sent" in reply["text"]
    await sender.drain()
    delivered = sum(len(bot.api.sent(c)) for c in (HERAT_CHAT, KUNDUZ_CHAT, ALL_CHAT))
    assert delivered == 1


async def test_flash_goes_to_matching_subscribers_only_and_respects_quiet_hours(
    bot: Harness,
) -> None:
    event_id = await _setup(bot)
    await bot.services.subscriptions.change(
        ALL_CHAT, quiet_start=0, quiet_end=8 * 60
    )  # now 04:30 UTC
    replies = await bot.send(f"/flash {event_id}", user_id=ADMIN_ID)
    control = _control(replies)
    assert "Flash alert" in replies[0]["text"]
    await bot.press(
        control, control["reply_markup"]["inline_keyboard"][0][0]["callback_data"], user_id=ADMIN_ID
    )
    await bot.sender.drain()
    assert len(bot.api.sent(HERAT_CHAT)) == 1
    assert bot.api.sent(KUNDUZ_CHAT) == []
    assert bot.api.sent(ALL_CHAT) == []  # held until quiet hours end
    async with bot.services.sessions() as s:
        held = (await s.scalars(select(OutboxRow).where(OutboxRow.chat_id == ALL_CHAT))).one()
    assert held.state == "queued" and held.not_before == datetime(2021, 7, 10, 8, 0, tzinfo=UTC)
    assert (await bot.services.events.get(event_id)).severity == Severity.FLASH


async def test_correction_replies_to_the_right_message_in_each_chat(bot: Harness) -> None:
    event_id = await _setup(bot)
    replies = await bot.send("/push today", user_id=ADMIN_ID)
    control = _control(replies)
    await bot.press(
        control, control["reply_markup"]["inline_keyboard"][0][0]["callback_data"], user_id=ADMIN_ID
    )
    await bot.sender.drain()
    originals = {c: bot.api.sent(c)[0]["message_id"] for c in (HERAT_CHAT, KUNDUZ_CHAT, ALL_CHAT)}
    [card] = await bot.send(
        f"/editevent {event_id} summary Taliban fighters seized the Islam Qala crossing.",
        user_id=ADMIN_ID,
    )
    assert "correction goes to 3 chat" in card["text"]
    await bot.sender.drain()
    for chat, message_id in originals.items():
        correction = bot.api.sent(chat)[-1]
        assert "Correction" in correction["text"] and "Taliban fighters" in correction["text"]
        assert correction["reply_to_message"]["message_id"] == message_id
    await bot.send(f"/retract {event_id} duplicate", user_id=ADMIN_ID)
    await bot.sender.drain()
    assert all("retracted" in bot.api.sent(c)[-1]["text"] for c in originals)
    assert all(len(bot.api.sent(c)) == 3 for c in originals)


@pytest.mark.parametrize(
    "command", ["/push today", "/push text hi", "/audience all", "/flash 1", "/cancelpush"]
)
async def test_non_admins_refused(bot: Harness, command: str) -> None:
    await _setup(bot)
    [reply] = await bot.send(command, user_id=USER_ID)
    assert reply["text"] == "Sorry, that command is for Sitrep admins only."
    async with bot.services.sessions() as s:
        assert await s.scalar(select(func.count(PushRow.id))) == 0
    assert await _outbox(bot) == 0


@pytest.mark.parametrize("data", ["pc:999", "px:999", "pc:abc", "pz:1"])
async def test_forged_buttons_rejected(bot: Harness, data: str) -> None:
    await _setup(bot)
    replies = await bot.send("/push today", user_id=ADMIN_ID)
    await bot.press(_control(replies), data, user_id=ADMIN_ID, check=False)
    assert await _outbox(bot) == 0

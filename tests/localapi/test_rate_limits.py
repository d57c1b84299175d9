"""The in-process Bot API's rate limits (per chat, per group, global), history and latency."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest, RetryAfter

from bot.sim.api import LocalBotApi, LocalRequest
from tests.support.localapi import CHAT, GROUP, FakeClock

# ---------------------------------------------------------------- rate limits


async def test_per_chat_limit_is_one_message_per_second(bot: Bot, clock: FakeClock) -> None:
    await bot.send_message(CHAT, "one")
    clock.advance(0.4)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(CHAT, "two")
    assert info.value.retry_after == timedelta(seconds=1)
    await bot.send_message(CHAT + 1, "other chats are fine")
    edited = await bot.edit_message_text("edits are not limited", CHAT, 1)
    assert not isinstance(edited, bool) and edited.text == "edits are not limited"
    clock.advance(0.6)
    assert (await bot.send_message(CHAT, "two")).message_id == 2


async def test_group_limit_is_twenty_per_minute(
    bot: Bot, api: LocalBotApi, clock: FakeClock
) -> None:
    for _ in range(20):
        await bot.send_message(GROUP, "update")
        clock.advance(1.5)
    # 30 s after the first of the last 20 messages: 30 s to wait.
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(GROUP, "one too many")
    assert info.value.retry_after == timedelta(seconds=30)
    assert api.calls[-1].response["parameters"] == {"retry_after": 30}
    assert api.calls[-1].description == "Too Many Requests: retry after 30"
    clock.advance(30)
    await bot.send_message(GROUP, "window moved")


async def test_global_limit_is_thirty_per_second(bot: Bot, clock: FakeClock) -> None:
    for user in range(30):
        await bot.send_message(5000 + user, "broadcast")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(6000, "broadcast")
    assert info.value.retry_after == timedelta(seconds=1)
    clock.advance(1.0)
    await bot.send_message(6000, "broadcast")


async def test_limits_can_be_switched_off_and_raised(clock: FakeClock) -> None:
    api = LocalBotApi(clock=clock, global_rate=1000, per_chat_interval=None, group_per_minute=None)
    async with Bot("123456:LOCAL", request=LocalRequest(api)) as bot:
        for n in range(100):
            await bot.send_message(GROUP, f"n{n}")
    assert len(api.sent(GROUP)) == 100


async def test_without_history_it_answers_and_limits_but_keeps_no_messages(
    clock: FakeClock,
) -> None:
    """keep_history=False (the benchmark's sink): answers and rate limits as before, call log
    without results, nothing of what was sent kept."""
    api = LocalBotApi(clock=clock, global_rate=3, per_chat_interval=None, keep_history=False)
    async with Bot("123456:LOCAL", request=LocalRequest(api)) as bot:
        first = await bot.send_message(CHAT, "<b>one</b>", parse_mode="HTML")
        second = await bot.send_message(CHAT, "two")
        await bot.send_message(GROUP, "three")
        with pytest.raises(RetryAfter):
            await bot.send_message(CHAT + 1, "four")
        with pytest.raises(BadRequest):
            await bot.send_message(CHAT, "<b>broken", parse_mode="HTML")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "one" and first.chat.id == CHAT
    assert api.sent() == [] and api.messages(CHAT) == [] and api.events == []
    sends = api.calls_to("sendMessage")
    assert [(c.status, c.result) for c in sends[:3]] == [(200, None)] * 3
    assert [c.status for c in sends[3:]] == [429, 400]
    assert sends[0].params["text"] == "<b>one</b>"


@pytest.mark.serial
async def test_latency_is_awaited_per_call() -> None:
    api = LocalBotApi(latency=0.05)
    async with Bot("123456:LOCAL", request=LocalRequest(api)) as bot:
        start = time.perf_counter()
        await bot.send_message(CHAT, "slow")
        assert time.perf_counter() - start >= 0.045

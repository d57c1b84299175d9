"""The in-process Bot API's rate limits (per chat, per group, global), history and latency; and
the replies' limiter keeping them (bot.telegram.replies) through PTB's real request path."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import timedelta
from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ExtBot

from bot.config import Settings
from bot.delivery.outbox import Outgoing
from bot.delivery.pacing import ChatPacer
from bot.delivery.ratelimit import LocalRateLimiter
from bot.delivery.telegram_transport import TelegramTransport
from bot.delivery.transport import RetryLater
from bot.sim.api import LocalBotApi, LocalRequest
from bot.telegram.app import build_application, lifespan
from bot.telegram.replies import ReplyLimiter
from tests.support.localapi import CHAT, GROUP, FakeClock
from tests.support.virtual_time import loop_time, warp

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


# ---------------------------------------------------------------- replies within the limits


def _reply_bot(api: LocalBotApi, pacer: ChatPacer | None = None) -> tuple[ExtBot[None], Any]:
    """An ExtBot whose calls pass the replies' limiter, sharing a pacer and a global limiter
    on the loop's (virtual) clock, as the app wires them to the sender's."""
    limiter = ReplyLimiter()
    limiter.attach(pacer or ChatPacer(loop_time), LocalRateLimiter(30))
    return ExtBot("123456:LOCAL", request=LocalRequest(api), rate_limiter=limiter), limiter


def test_replies_keep_the_per_chat_and_global_limits() -> None:
    async def main() -> None:
        api = LocalBotApi(clock=loop_time)
        bot, limiter = _reply_bot(api)
        async with bot:
            start = loop_time()
            await asyncio.gather(
                *(bot.send_message(CHAT, f"answer {n}") for n in range(5)),
                *(bot.send_message(5000 + n, "answer") for n in range(60)),
            )
            took = loop_time() - start
        sends = api.calls_to("sendMessage")
        assert [c.status for c in sends] == [200] * 65  # no 429 at all
        assert sorted(m["text"] for m in api.sent(CHAT)) == [f"answer {n}" for n in range(5)]
        mine = [c.at for c in sends if int(c.params["chat_id"]) == CHAT]
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(mine))
        assert took >= 2.0 and limiter.retried == 0

    warp(main)


def test_a_group_reply_waits_for_the_group_minute() -> None:
    async def main() -> None:
        api = LocalBotApi(clock=loop_time)
        bot, _ = _reply_bot(api)
        async with bot:
            for n in range(21):
                await bot.send_message(GROUP, f"answer {n}")
        sends = api.calls_to("sendMessage")
        assert [c.status for c in sends] == [200] * 21
        assert sends[20].at - sends[0].at >= 60.0

    warp(main)


def test_a_reply_that_meets_a_429_is_sent_after_retry_after() -> None:
    async def main() -> None:
        api = LocalBotApi(clock=loop_time)
        bot, limiter = _reply_bot(api)
        async with bot:
            # another instance's message to the chat, a moment ago: this process cannot know
            assert api.handle("sendMessage", {"chat_id": CHAT, "text": "briefing"})[0] == 200
            message = await bot.send_message(CHAT, "the answer")
        sends = api.calls_to("sendMessage")
        assert [c.status for c in sends] == [200, 429, 200]
        assert sends[2].at - sends[1].at >= 1.0  # retry_after honoured
        assert message.text == "the answer"
        assert [m["text"] for m in api.sent(CHAT)] == ["briefing", "the answer"]
        assert limiter.retried == 1

    warp(main)


def test_a_reply_gives_up_when_telegram_asks_for_longer_than_it_may_wait() -> None:
    async def main() -> None:
        api = LocalBotApi(clock=loop_time)
        bot, limiter = _reply_bot(api)
        limiter.max_wait = 0.5
        async with bot:
            api.handle("sendMessage", {"chat_id": CHAT, "text": "briefing"})
            with pytest.raises(RetryAfter):
                await bot.send_message(CHAT, "late")
        assert [c.status for c in api.calls_to("sendMessage")] == [200, 429]
        assert limiter.retried == 0

    warp(main)


def test_outbox_sends_are_not_paced_or_retried_by_the_replies_limiter() -> None:
    async def main() -> None:
        api = LocalBotApi(clock=loop_time)
        bot, limiter = _reply_bot(api)
        async with bot:
            api.handle("sendMessage", {"chat_id": CHAT, "text": "reply"})
            row = Outgoing(1, "push", CHAT, "private", None, "news", None, 0, None)
            with pytest.raises(RetryLater):
                await TelegramTransport(bot).send(row)
        assert [c.status for c in api.calls_to("sendMessage")] == [200, 429]
        assert limiter.retried == 0

    warp(main)


async def test_the_app_replies_through_the_limiter_sharing_the_senders_pacing(
    sqlite_db_url: str,
) -> None:
    api = LocalBotApi(global_rate=None, per_chat_interval=None, group_per_minute=None)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=sqlite_db_url, send_chat_interval=1.0
    )
    app = build_application(settings, request=LocalRequest(api))
    async with lifespan(app):
        limiter = app.bot.rate_limiter
        sender = app.bot_data.sender
        assert isinstance(limiter, ReplyLimiter) and sender is not None
        assert limiter.pacer is sender.pacer and limiter.limiter is sender.limiter
        await app.bot.send_message(CHAT, "a reply")
        assert 0.9 < sender.pacer.wait(CHAT, "private") <= 1.0  # the sender paces after it

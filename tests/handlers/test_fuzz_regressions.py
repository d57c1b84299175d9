"""Crashes the fuzz tier (test_fuzz_updates.py) found, each pinned as a plain example."""

from __future__ import annotations

import logging

import pytest
from telegram.error import BadRequest
from telegram.ext import CommandHandler

from tests.support.harness import GROUP_ID, USER_ID, Harness


async def test_lone_surrogates_and_nuls_are_replaced_before_anything_is_stored(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    update = bot.factory.message(
        "/search a\ud800b\x00c", user_id=USER_ID + 5, first_name="Eve\udfff\x00"
    )
    with caplog.at_level(logging.WARNING):
        replies = await bot.process(update)
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    assert replies, "the search is answered"
    group = bot.factory.message("hello\x00", chat_id=GROUP_ID, chat_title="T\ud800")
    await bot.process(group)
    assert all(c.ok for c in bot.api.calls)


@pytest.mark.parametrize("data", [None, "s:menu", "fg:yes"])
async def test_a_press_without_data_or_chat_is_refused_politely(
    bot: Harness, caplog: pytest.LogCaptureFixture, data: str | None
) -> None:
    query: dict[str, object] = {
        "id": "991",
        "from": bot.factory.user(USER_ID),
        "chat_instance": "0",
        "inline_message_id": "AAA",
    }
    if data is not None:
        query["data"] = data
    update = {"update_id": 99_000, "callback_query": query}
    bot.api.observe_update(update)
    with caplog.at_level(logging.WARNING):
        await bot.process(update)
    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
    [answer] = bot.api.calls_to("answerCallbackQuery")
    assert answer.params.get("show_alert") is True
    assert answer.params.get("text")


async def test_a_handler_bug_is_logged_with_its_traceback_and_set_aside(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(update: object, context: object) -> None:
        raise RuntimeError("kaboom")

    bot.app.add_handler(CommandHandler("boom", boom))
    with caplog.at_level(logging.WARNING):
        [reply] = await bot.send("/boom <b>")
    assert "Sorry, something went wrong" in reply["text"]
    [bug] = [r for r in caplog.records if r.exc_info]
    assert bug.exc_info is not None and bug.exc_info[0] is RuntimeError
    letters = await bot.app.bot_data.services.inbox.dead_letters.recent()
    assert [(d.source, d.reason) for d in letters] == [
        ("handler", "handler failed: RuntimeError: kaboom")
    ]
    assert "/boom <b>" in letters[0].body


async def test_telegram_refusing_a_call_is_one_warning_line_not_a_traceback(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    async def refused(update: object, context: object) -> None:
        raise BadRequest("Message is too long")

    bot.app.add_handler(CommandHandler("refused", refused))
    with caplog.at_level(logging.WARNING):
        await bot.send("/refused")
    [line] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.exc_info is None and "BadRequest: Message is too long" in line.getMessage()
    assert await bot.app.bot_data.services.inbox.dead_letters.count() == 0

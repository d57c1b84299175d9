"""Update lanes through the real Application polling with the inbox on: a handler that hangs
holds back neither other chats (they are handled side by side) nor, once the time limit cancels
it, its own chat; the hung update is set aside, marked done, and its user is told."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import CommandHandler

from bot.telegram.context import SitrepApp, SitrepContext
from bot.telegram.intake.lanes import UpdateLanes, lane_of
from tests.support.harness import db_path_of, inbox_rows, until
from tests.support.hostile import dead_letter_rows
from tests.support.polling import polling, quiet_api

WAIT = 30.0  # generous: a loaded machine; nothing here is timed


def hang_on(app: SitrepApp, started: asyncio.Event, release: asyncio.Event) -> None:
    """/hang blocks until `release` (forever when nobody sets it)."""

    async def hang(update: Update, context: SitrepContext) -> None:
        started.set()
        await release.wait()

    app.add_handler(CommandHandler("hang", hang), group=-4)


def lanes_of(app: SitrepApp) -> UpdateLanes:
    """The application's update processor."""
    processor = app.update_processor
    assert isinstance(processor, UpdateLanes)
    return processor


async def test_other_chats_are_answered_while_a_handler_hangs(sqlite_db_url: str) -> None:
    api, factory = quiet_api()
    started, release = asyncio.Event(), asyncio.Event()
    async with polling(sqlite_db_url, api, handler_timeout_s=600) as app:
        hang_on(app, started, release)
        try:
            api.push_update(factory.message("/hang", user_id=5201))
            await asyncio.wait_for(started.wait(), WAIT)
            api.push_update(factory.message("/start", user_id=5202))
            await until(lambda: api.sent(5202), timeout=WAIT)
            assert lanes_of(app).overran == 0  # answered while /hang still hangs
        finally:
            release.set()  # (a failure must not leave the application waiting at its stop)
    assert "Sitrep" in api.sent(5202)[0]["text"]


async def test_a_hung_handler_is_cancelled_set_aside_and_its_chat_goes_on(
    sqlite_db_url: str,
) -> None:
    api, factory = quiet_api()
    started, never = asyncio.Event(), asyncio.Event()
    path = db_path_of(sqlite_db_url)
    async with polling(sqlite_db_url, api, handler_timeout_s=0.5) as app:
        hang_on(app, started, never)
        hung = factory.message("/hang", user_id=5301)
        api.push_update(hung)
        after = factory.message("/start", user_id=5301)  # the same chat: waits its turn
        api.push_update(after)
        try:
            await until(lambda: len(api.sent(5301)) >= 2, timeout=WAIT)
            await until(lambda: inbox_rows(path).get(after["update_id"], ("", False))[1], WAIT)
        finally:
            never.set()
        assert lanes_of(app).overran == 1
    texts = [m["text"] for m in api.sent(5301)]
    assert "took too long" in texts[0] and "Sitrep" in texts[1]  # in order
    letters = dead_letter_rows(path)
    assert [(u, s) for u, s, _, _ in letters] == [(hung["update_id"], "timeout")]
    assert inbox_rows(path)[hung["update_id"]][1]  # done: not handled again after a restart


def test_lanes_are_chats_then_users() -> None:
    _, factory = quiet_api()
    message = Update.de_json(factory.message("hi", user_id=5401, chat_id=-100777), None)
    assert lane_of(message) == ("chat", -100777)
    assert lane_of(object()) is None

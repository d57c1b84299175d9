"""The real application long polling the in-process Bot API with the update inbox on, as
`sitrep run` does (run_polling's order)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from bot.domain.clock import FixedClock
from bot.sim.api import LocalBotApi, LocalRequest, UpdateFactory
from bot.telegram.app import build_application, post_init, post_shutdown, post_stop
from bot.telegram.context import SitrepApp, SitrepContext
from tests.support.harness import DEFAULT_NOW
from tests.support.harness import test_settings as make_settings

Recorder = Callable[[Update, SitrepContext], Coroutine[Any, Any, None]]


@asynccontextmanager
async def polling(
    db_url: str, api: LocalBotApi, record: Recorder | None = None, **overrides: Any
) -> AsyncIterator[SitrepApp]:
    """The application polling with the inbox on; `record` (if given) sees every update first;
    `overrides` are settings."""
    settings = make_settings(db_url, **overrides)
    app = build_application(settings, clock=FixedClock(DEFAULT_NOW), request=LocalRequest(api))
    if record is not None:
        app.add_handler(TypeHandler(Update, record), group=-100)
    app.bot_data.inbox = True
    assert app.updater is not None
    await app.initialize()
    try:
        await post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=0, drop_pending_updates=False)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await post_stop(app)
    finally:
        await app.shutdown()
        await post_shutdown(app)
    assert api.unexpected == []


def quiet_api() -> tuple[LocalBotApi, UpdateFactory]:
    """A Bot API without rate limits, and its update factory."""
    api = LocalBotApi(global_rate=None, per_chat_interval=None, group_per_minute=None)
    return api, UpdateFactory(api=api, bot_username=api.bot_username, bot_id=api.bot_id)


def push_raw(api: LocalBotApi, update: dict[str, Any]) -> None:
    """Queue an update for getUpdates as it is, however malformed (``push_update`` reads the
    chats and users of what it queues, which a hostile update may not have)."""
    api._updates.append(update)
    if type(update.get("update_id")) is int:
        api._last_update_id = max(api._last_update_id, update["update_id"])

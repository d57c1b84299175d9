"""Handler-test harness: the real Application talking through PTB's request path to LocalBotApi."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from telegram import Update

from bot.bootstrap import Services
from bot.config import Settings
from bot.delivery.sender import Sender
from bot.domain.clock import Clock, FixedClock
from bot.sim.api import LocalBotApi, LocalRequest, UpdateFactory
from bot.telegram.app import build_application, lifespan
from bot.telegram.context import SitrepApp

ADMIN_ID = 777
USER_ID = 1001
GROUP_ID = -1001234567890
DEFAULT_NOW = datetime(2021, 7, 10, 4, 30, tzinfo=UTC)  # 09:00 in Kabul


class Harness:
    """Sends updates as users and collects what the bot sent back."""

    def __init__(self, app: SitrepApp, api: LocalBotApi, factory: UpdateFactory, clock: Clock):
        self.app = app
        self.api = api
        self.factory = factory
        self.clock = clock

    @property
    def services(self) -> Services:
        """The app's open services."""
        return self.app.bot_data.services

    @property
    def sender(self) -> Sender:
        """The app's outbox sender (open while the app is)."""
        sender = self.app.bot_data.sender
        assert sender is not None, "the sender is made at start-up"
        return sender

    async def process(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Process one update dict; return the messages the bot sent or edited meanwhile."""
        before = len(self.api.events)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return [m for kind, m in self.api.events[before:] if kind in ("sent", "edited")]

    async def send(
        self,
        text: str,
        *,
        user_id: int = USER_ID,
        chat_id: int | None = None,
        chat_type: str = "private",
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """A user writes `text`; returns the bot's messages."""
        if chat_id is not None and chat_id < 0 and chat_type == "private":
            chat_type = "supergroup"
        update = self.factory.message(
            text, user_id=user_id, chat_id=chat_id, chat_type=chat_type, **kwargs
        )
        return await self.process(update)

    async def press(
        self, message: dict[str, Any], data: str, *, user_id: int = USER_ID, check: bool = True
    ) -> list[dict[str, Any]]:
        """A user presses the button with `data` on a message the bot sent."""
        update = self.factory.callback(data, message=message, user_id=user_id, check=check)
        return await self.process(update)

    def answers(self) -> list[str]:
        """Texts of every answerCallbackQuery so far."""
        return [c.params.get("text", "") for c in self.api.calls_to("answerCallbackQuery")]


def test_settings(db_url: str, **overrides: Any) -> Settings:
    """Settings for a test: no .env, the given database, one owner."""
    values: dict[str, Any] = {"database_url": db_url, "admin_ids": frozenset({ADMIN_ID})}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running_bot(
    db_url: str,
    *,
    clock: Clock | None = None,
    tz: tzinfo | None = None,
    settings: Settings | None = None,
    **api_kwargs: Any,
) -> AsyncIterator[Harness]:
    """Start the app against a LocalBotApi; fail if the bot called an API method unknown to it."""
    clock = clock or FixedClock(DEFAULT_NOW)
    api_kwargs.setdefault("global_rate", None)
    api_kwargs.setdefault("per_chat_interval", None)
    api_kwargs.setdefault("group_per_minute", None)
    api = LocalBotApi(wall_clock=lambda: clock.now().timestamp(), **api_kwargs)
    factory = UpdateFactory(
        api=api,
        bot_username=api.bot_username,
        bot_id=api.bot_id,
        clock=lambda: clock.now().timestamp(),
    )
    app = build_application(
        settings or test_settings(db_url), clock=clock, tz=tz, request=LocalRequest(api)
    )
    async with lifespan(app):
        yield Harness(app, api, factory, clock)
    assert api.unexpected == [], f"unexpected Bot API calls: {api.unexpected}"


def db_path_of(url: str) -> Path:
    """The file behind a sqlite+aiosqlite URL."""
    return Path(url.split(":///", 1)[1])


def inbox_rows(path: Path) -> dict[int, tuple[str, bool]]:
    """The update inbox of a SQLite file: update_id -> (claimed_by, done)."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT update_id, claimed_by, done_at FROM update_inbox").fetchall()
    finally:
        con.close()
    return {int(u): (str(c), d is not None) for u, c, d in rows}


async def sqlite_execute(path: Path, sql: str) -> None:
    """Run one statement on a SQLite file from a thread: a blocking call on the event loop could
    wait for a lock that the application's own connection holds until the loop runs again."""

    def run() -> None:
        con = sqlite3.connect(path, timeout=30)
        try:
            con.execute(sql)
            con.commit()
        finally:
            con.close()

    await asyncio.to_thread(run)


async def until(check: Callable[[], Any], timeout: float = 5.0) -> None:
    """Wait for `check()` to be true (polling every 20 ms); fail after `timeout` s."""
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")

"""The real application in webhook mode on a loopback port, for the webhook and intake tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.domain.clock import FixedClock
from bot.sim.api import LocalBotApi, LocalRequest, UpdateFactory
from bot.telegram.app import build_application
from bot.telegram.context import SitrepApp
from bot.telegram.intake.webhook import SECRET_HEADER, WebhookConfig, webhook_running
from tests.support.harness import DEFAULT_NOW, db_path_of, until
from tests.support.harness import test_settings as make_settings

SECRET = "s3cret-Token_for-tests"
PUBLIC_URL = "https://sitrep.example.org/telegram/hook"


@dataclass
class Served:
    """A running webhook server and what a test needs around it."""

    app: SitrepApp
    api: LocalBotApi
    factory: UpdateFactory
    base: str
    hook: str
    db_path: Path


@asynccontextmanager
async def served(
    db_url: str, *, background: bool = False, latency: float = 0.0
) -> AsyncIterator[Served]:
    """The real application in webhook mode on 127.0.0.1 and a free port."""
    clock = FixedClock(DEFAULT_NOW)
    api = LocalBotApi(
        global_rate=None, per_chat_interval=None, group_per_minute=None, latency=latency
    )
    factory = UpdateFactory(api=api, bot_username=api.bot_username, bot_id=api.bot_id)
    settings = make_settings(db_url, webhook_url=PUBLIC_URL, webhook_secret=SECRET)
    app = build_application(settings, clock=clock, request=LocalRequest(api))
    app.bot_data.background = background
    config = WebhookConfig.from_settings(settings, host="127.0.0.1", port=0)
    async with webhook_running(app, config) as server:
        base = f"http://127.0.0.1:{server.port}"
        yield Served(app, api, factory, base, base + config.path, db_path_of(db_url))
    assert api.unexpected == []


def replies_to(api: LocalBotApi, chat_id: int) -> list[dict[str, Any]]:
    """Messages the bot sent to one chat."""
    return api.sent(chat_id)


BARRIER_USER = 4999


async def barrier(s: Served, client: httpx.AsyncClient) -> int:
    """Post a later update from another user and wait until it was answered: updates are handled
    one at a time in order, so everything posted before it has been handled too. Its update_id."""
    later = s.factory.message("/start", user_id=BARRIER_USER)
    response = await client.post(s.hook, json=later, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    await until(lambda: replies_to(s.api, BARRIER_USER))
    return int(later["update_id"])

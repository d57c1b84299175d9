"""Fixtures of the local Bot API tests: a fake clock, the API on it and a Bot talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.sim.api import LocalBotApi, LocalRequest
from tests.support.localapi import T0, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> LocalBotApi:
    return LocalBotApi(clock=clock, wall_clock=lambda: T0)


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    the_bot = Bot("123456:LOCAL", request=LocalRequest(api), get_updates_request=LocalRequest(api))
    async with the_bot:
        yield the_bot

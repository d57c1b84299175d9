"""The per-user question limiters stay bounded: limiters idle for their window are dropped (as
good as new), and beyond MAX_LIMITERS the least recently used, while an active user keeps the
limiter that is holding them back."""

from __future__ import annotations

import asyncio

import pytest
from aiolimiter import AsyncLimiter

from bot.telegram.handlers import questions
from bot.telegram.handlers.questions import QUESTIONS_PER_MINUTE, limiter_for
from tests.support.virtual_time import warp


async def ask(limiters: dict[int, AsyncLimiter], user_id: int, times: int = 1) -> AsyncLimiter:
    """`user_id` asks `times` questions; their limiter."""
    limiter = limiter_for(limiters, user_id)
    for _ in range(times):
        await limiter.acquire()
    return limiter


def test_limiters_idle_past_their_window_are_dropped() -> None:
    async def main() -> list[int]:
        limiters: dict[int, AsyncLimiter] = {}
        for user in (1, 2, 3):
            await ask(limiters, user)
        await asyncio.sleep(61)  # virtual time: the window has passed
        await ask(limiters, 4)
        return list(limiters)

    assert warp(main) == [4]


def test_an_active_user_keeps_their_limit_while_others_come_and_go() -> None:
    async def main() -> tuple[bool, bool, int]:
        limiters: dict[int, AsyncLimiter] = {}
        busy = await ask(limiters, 1, QUESTIONS_PER_MINUTE)
        for user in range(2, 200):
            await ask(limiters, user)
        await asyncio.sleep(30)
        again = limiter_for(limiters, 1)
        return again is busy, again.has_capacity(QUESTIONS_PER_MINUTE // 2 + 1), len(limiters)

    same, refilled, kept = warp(main)
    assert same is True  # still the limiter that holds the user back
    assert refilled is False  # half a minute on, only half of the questions are back
    assert kept <= 199


def test_beyond_the_cap_the_least_recently_used_are_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(questions, "MAX_LIMITERS", 3)

    async def main() -> list[int]:
        limiters: dict[int, AsyncLimiter] = {}
        for user in (1, 2, 3):
            await ask(limiters, user)
        await ask(limiters, 1)  # used again: now the most recent
        await ask(limiters, 4)
        await ask(limiters, 5)
        return list(limiters)

    assert warp(main) == [1, 4, 5]


def test_the_map_never_grows_past_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(questions, "MAX_LIMITERS", 50)

    async def main() -> int:
        limiters: dict[int, AsyncLimiter] = {}
        for user in range(1000):
            await ask(limiters, user)
            assert len(limiters) <= 50
        return len(limiters)

    assert warp(main) == 50

"""The global limit on arrival: a request's way to Telegram takes longer for some requests than
for others (a cold start's fresh connections), so evenly spaced grants can still land 31 in a
second (the long kill run's 429s just after cold restarts). The sender's arrival window keeps
every second within the limit however the way delays requests, and holds nothing back when
the way is quick."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

import pytest

from bot.delivery.arrivals import ArrivalWindow
from bot.delivery.ratelimit import LocalRateLimiter
from bot.sim.api import LocalBotApi, LocalRequest
from tests.support.harness import Harness
from tests.support.sending import fake_api, msg, sends, wired
from tests.support.shared_limits import max_in_window
from tests.support.virtual_time import loop_time, warp

pytestmark = [pytest.mark.serial]

RATE = 30.0


def cold(slow: float, first: int = 8, quick: float = 0.001) -> Callable[[int], float]:
    """The way of request k: the first `first` (fresh connections) take `slow` s."""
    return lambda k: slow if k < first else quick


def simulate(way: Callable[[int], float], *, window: bool, rows: int = 70) -> list[float]:
    """The sender's send path on virtual time (eight at once): the rate limiter's grant, then,
    with `window`, the arrival window around the request; when each request arrived."""

    async def main() -> list[float]:
        limiter = LocalRateLimiter(RATE, headroom=0.95)
        arrivals = ArrivalWindow(RATE)
        landed: list[float] = []
        numbers = itertools.count()

        def guard() -> AbstractAsyncContextManager[None]:
            return arrivals.request() if window else nullcontext()

        async def slot() -> None:
            while (k := next(numbers)) < rows:
                await limiter.acquire()
                async with guard():
                    await asyncio.sleep(way(k))  # on its way
                    landed.append(loop_time())
                    await asyncio.sleep(0.001)  # the answer's way back

        await asyncio.gather(*(slot() for _ in range(8)))
        return landed

    return warp(main)


def test_slow_first_requests_land_next_to_later_ones_without_the_window() -> None:
    """The cause: grants 30 slots apart (1.05 s) arrive 0.9 s apart when the first took 150 ms
    on its way and the 31st 1 ms."""
    assert max_in_window(simulate(cold(0.15), window=False), 1.0) > RATE


@pytest.mark.parametrize("slow", [0.05, 0.15, 0.6])
def test_the_window_keeps_every_second_within_the_limit(slow: float) -> None:
    assert max_in_window(simulate(cold(slow), window=True), 1.0) <= RATE


def test_a_quick_way_is_never_held_back() -> None:
    async def main() -> int:
        limiter = LocalRateLimiter(RATE, headroom=0.95)
        arrivals = ArrivalWindow(RATE)
        for _ in range(90):
            await limiter.acquire()
            async with arrivals.request():
                await asyncio.sleep(0.005)
        return arrivals.waits

    assert warp(main) == 0


def test_a_restart_starts_from_the_answers_of_the_last_second() -> None:
    async def main() -> float:
        window = ArrivalWindow(3.0, margin=0.01)
        window.seed([0.9, 0.5, 0.2])  # three answered within the last second
        started = loop_time()
        await window.enter()
        return loop_time() - started

    assert 0.11 <= warp(main) < 0.15  # until the oldest is 1.01 s old


class ColdStart(LocalRequest):
    """The first `cold` calls take `slow` s on their way (fresh connections), the rest `quick`."""

    def __init__(self, api: LocalBotApi, cold: int, slow: float, quick: float) -> None:
        super().__init__(api)
        self.cold, self.slow, self.quick = cold, slow, quick
        self.calls = 0

    async def do_request(self, url: str, method: str, *args: Any, **kw: Any) -> tuple[int, bytes]:
        """Wait on the way, then answer from the API."""
        self.calls += 1
        await asyncio.sleep(self.slow if self.calls <= self.cold else self.quick)
        return await super().do_request(url, method, *args, **kw)


def test_the_sender_sends_within_the_window(sqlite_db_url: str) -> None:
    """Through the real sender and a Bot API that enforces 30 msg/s on arrival: every send
    passes the window."""

    async def main() -> tuple[int, int]:
        api = fake_api(global_rate=RATE, per_chat_interval=1.0, group_per_minute=20)
        way = ColdStart(api, cold=8, slow=0.3, quick=0.002)
        async with wired(sqlite_db_url, api, way, rate=RATE, concurrency=8) as (domain, sender):
            await domain.outbox.enqueue([msg(5000 + n, 0) for n in range(40)])
            await sender.drain(max_wait=30)
        calls = sends(api)
        assert sum(1 for c in calls if c.ok) == 40
        assert sender.arrivals is not None
        return sum(1 for c in calls if c.status == 429), sender.arrivals.requests

    throttled, counted = warp(main)
    assert throttled == 0
    assert counted == 40


async def test_replies_pass_the_same_window(bot: Harness) -> None:
    """A reply to a command is counted with the sender's sends (one window per process)."""
    window = bot.sender.arrivals
    assert window is not None
    before = window.requests
    replies = await bot.send("/start")
    assert len(replies) == 1 and window.requests == before + 1

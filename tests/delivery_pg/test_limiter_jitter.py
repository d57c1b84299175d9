"""The in-process limiter against arrival jitter: late wake-ups and stalls bunch its grants by
at most a share of the slack its headroom leaves a second, so a request held up on its way by
the rest still does not overfill Telegram's second (the kill test's 429s after stalls)."""

from __future__ import annotations

import pytest

from bot.delivery.ratelimit import HEADROOM, LocalRateLimiter
from tests.delivery_pg.test_limiters import hammer, stalled
from tests.support.shared_limits import max_in_window
from tests.support.virtual_time import loop_time, warp

pytestmark = [pytest.mark.serial, pytest.mark.slow]


@pytest.mark.parametrize(("rate", "headroom"), [(30.0, HEADROOM), (30.0, 0.95), (1000.0, HEADROOM)])
def test_local_limiter_leaves_room_for_arrival_jitter(rate: float, headroom: float) -> None:
    """However late wake-ups and a stall bunch the grants, the rate fits a window half the
    slack longer than 1 s (the other half is left for the way to Telegram)."""

    async def main() -> tuple[LocalRateLimiter, list[float]]:
        stall = stalled(loop_time() + 0.5, 0.3)

        async def sleep(delay: float) -> None:
            await stall(delay + 0.003)  # every wake-up late as well

        limiter = LocalRateLimiter(rate, headroom=headroom, sleep=sleep)
        return limiter, (await hammer([limiter], int(rate * 3), 16))[0]

    limiter, times = warp(main)
    burst = int(rate)
    slack = burst * limiter.interval - 1.0  # what the headroom leaves a second
    assert limiter.tolerance <= slack / 4 + 1e-9
    assert max_in_window(times, 1.0 + slack / 2) <= burst

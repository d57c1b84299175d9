"""Telegram's global limit kept where Telegram counts it: on arrival.

A rate limiter spaces the moments requests are *granted*; Telegram counts the moments they
*arrive*, and between the two lies the way (a fresh connection's set-up, a busy process, a slow
loop), which differs from one request to the next. A request held up on its way lands next to
later ones: a cold start's first requests (new connections) land late, bunched with the ones
after, and a second ends up holding more than the limit.

`ArrivalWindow` bounds arrivals without knowing them: a request arrives after it started and
before its answer came back. So a request may start only while fewer than `limit` requests
either are still on their way or were answered within the last `1 + margin` s: of any
`limit + 1` requests, the last to start started over a second after one of the others was
answered, hence arrived over a second after it. No second ever holds more than `limit`
arrivals, however the way delays them. At the spaced rate with a quick way it never waits;
it holds requests back only for as long as answers are slow (the way's uncertainty).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager

ARRIVAL_MARGIN = 0.01  # s: of a second between the arrivals `limit` apart, beyond Telegram's 1 s


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class ArrivalWindow:
    """At most `limit` requests in flight or answered within `span` s (module doc)."""

    def __init__(
        self,
        rate: float,
        *,
        margin: float = ARRIVAL_MARGIN,
        monotonic: Callable[[], float] = _loop_time,
    ) -> None:
        self.limit = max(1, math.floor(rate))
        self.span = 1.0 + margin
        self.waits = 0  # requests held back until an earlier answer was a second old
        self.requests = 0  # requests let through
        self._monotonic = monotonic
        self._in_flight = 0
        self._answered: deque[float] = deque()
        self._changed = asyncio.Event()

    def seed(self, ago: Iterable[float]) -> None:
        """Requests were answered this many seconds ago (a previous run's, from the outbox)."""
        now = self._monotonic()
        times = sorted([*self._answered, *(now - a for a in ago)])
        self._answered = deque(t for t in times if t > now - self.span)

    def _expire(self, now: float) -> None:
        while self._answered and self._answered[0] <= now - self.span:
            self._answered.popleft()

    def room(self) -> bool:
        """Whether a request may start now."""
        self._expire(self._monotonic())
        return self._in_flight + len(self._answered) < self.limit

    async def enter(self) -> None:
        """Wait until a request may start, and count it as on its way."""
        waited = False
        while not self.room():
            waited = True
            timeout = self._answered[0] + self.span - self._monotonic() if self._answered else None
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        self.waits += waited
        self.requests += 1
        self._in_flight += 1

    def leave(self) -> None:
        """The request's answer (or failure) came back now."""
        self._in_flight = max(0, self._in_flight - 1)
        self._answered.append(self._monotonic())
        self._changed.set()

    @asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Hold the block (one request, start to answer) within the window."""
        await self.enter()
        try:
            yield
        finally:
            self.leave()

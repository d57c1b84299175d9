"""Virtual time for tests: an event loop whose clock skips idle waits (pacing in seconds takes
moments), the loop's clock as a function and as a domain Clock, and `warp` to run on it."""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import aiosqlite

from bot.domain.clock import Clock

T = TypeVar("T")


_aiosqlite_execute = aiosqlite.Connection._execute


async def _tracked_execute(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """aiosqlite's call into its worker thread, counted on a WarpLoop: time never jumps while a
    statement is still running (a slow commit is not an idle loop)."""
    loop = asyncio.get_running_loop()
    if not isinstance(loop, WarpLoop):
        return await _aiosqlite_execute(self, fn, *args, **kwargs)
    loop.busy += 1
    try:
        return await _aiosqlite_execute(self, fn, *args, **kwargs)
    finally:
        loop.busy -= 1


aiosqlite.Connection._execute = _tracked_execute  # type: ignore[method-assign]


class _SkippingSelector(selectors.BaseSelector):
    """Wraps the loop's selector: when the loop would only sleep until a timer, time jumps."""

    POLL = 0.003

    def __init__(self, inner: selectors.BaseSelector, loop: WarpLoop) -> None:
        self._inner = inner
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None or timeout <= self.POLL:
            return self._inner.select(timeout)
        # Give I/O and worker threads (aiosqlite, the HTTP stack) a moment; if nothing
        # happened, the loop was only waiting for a timer: jump to it.
        events = self._inner.select(self.POLL)
        if not events and not self._loop.busy:
            self._loop.skew += timeout - self.POLL
        return events

    def close(self) -> None:
        self._inner.close()

    def get_map(self) -> Any:
        return self._inner.get_map()


class WarpLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock skips ahead whenever it is idle until a timer: sleeps of a
    minute take milliseconds, while everything reading loop.time() stays consistent."""

    def __init__(self) -> None:
        super().__init__()
        self.skew = 0.0
        self.busy = 0  # aiosqlite calls in flight (see _tracked_execute)
        self._selector = _SkippingSelector(self._selector, self)  # type: ignore[has-type]

    def time(self) -> float:
        """Real monotonic time plus every skipped wait."""
        return time.monotonic() + self.skew


def loop_time() -> float:
    """The running loop's clock (virtual under WarpLoop)."""
    return asyncio.get_running_loop().time()


@dataclass
class LoopClock(Clock):
    """A domain clock that follows the running loop's clock from a starting instant."""

    start: datetime
    origin: float | None = None

    def now(self) -> datetime:
        """`start` plus the loop time elapsed since first asked."""
        t = loop_time()
        if self.origin is None:
            self.origin = t
        return (self.start + timedelta(seconds=t - self.origin)).astimezone(UTC)


def warp(main: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on a loop whose clock jumps over idle waits."""
    with asyncio.Runner(loop_factory=WarpLoop) as runner:
        return runner.run(main())  # type: ignore[arg-type]

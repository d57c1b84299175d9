"""The sender: the one loop that sends outbox rows, within Telegram's limits, each once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.delivery.outbox import Outbox, Outgoing
from bot.delivery.ratelimit import LocalRateLimiter, RateLimiter
from bot.delivery.transport import ChatGone, Rejected, RetryLater, Transient, Transport

log = logging.getLogger(__name__)

HOLD_MARGIN = 0.05  # rows held behind a retried one become ready just after it

ChatGoneHook = Callable[[int, str], Awaitable[None]]


def instance_name() -> str:
    """host:pid — who claimed a row."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class SenderStats:
    """Counters of one sender."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    throttled: int = 0
    gone: int = 0
    latest_errors: deque[str] = field(default_factory=lambda: deque(maxlen=20))


class Sender:
    """Claims ready rows and sends them: a global rate, 1 msg/s per chat, 20 msg/min per group,
    429 retry_after honoured, transient errors retried with backoff, gone chats marked."""

    def __init__(
        self,
        outbox: Outbox,
        transport: Transport,
        *,
        rate: float = 30.0,
        concurrency: int = 8,
        per_chat_interval: float = 1.0,
        group_per_minute: int = 20,
        max_attempts: int = 6,
        batch: int = 100,
        poll_interval: float = 0.5,
        instance: str | None = None,
        on_chat_gone: ChatGoneHook | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.instance = instance or instance_name()
        self.concurrency = max(1, concurrency)
        self.per_chat_interval = per_chat_interval
        self.group_per_minute = group_per_minute
        self.max_attempts = max_attempts
        self.batch = batch
        self.poll_interval = poll_interval
        self.on_chat_gone = on_chat_gone
        self.stats = SenderStats()
        self._monotonic = monotonic
        # Evenly spaced sends so no 1-second window ever holds more than `rate` messages (1 %
        # headroom absorbs timer jitter); `limiter` (e.g. shared by instances) replaces it.
        self._limiter: RateLimiter | None = limiter
        if limiter is None and rate > 0:
            self._limiter = LocalRateLimiter(rate)
        self._slots = asyncio.Semaphore(self.concurrency)
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._chat_next: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        # chat -> monotonic instant until which its rows wait behind a retried earlier row,
        # so a chat's messages (an edition's parts) never overtake each other.
        self._hold: dict[int, float] = {}
        self._stopping = False

    # ---- pacing -----------------------------------------------------------------------

    async def _pace_chat(self, msg: Outgoing) -> None:
        now = self._monotonic()
        wait = self._chat_next.get(msg.chat_id, 0.0) - now
        if msg.chat_type != "private" and self.group_per_minute:
            window = self._group_sends.setdefault(msg.chat_id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.group_per_minute:
                wait = max(wait, window[0] + 60.0 - now)
        if wait > 0:
            await asyncio.sleep(wait)

    def _note_sent(self, msg: Outgoing) -> None:
        now = self._monotonic()
        self._chat_next[msg.chat_id] = max(
            self._chat_next.get(msg.chat_id, 0.0), now + self.per_chat_interval
        )
        if msg.chat_type != "private" and self.group_per_minute:
            self._group_sends.setdefault(msg.chat_id, deque()).append(now)

    # ---- one message ------------------------------------------------------------------

    async def _deliver(self, msg: Outgoing) -> None:
        lock = self._chat_locks.setdefault(msg.chat_id, asyncio.Lock())
        async with lock:
            held = self._hold.get(msg.chat_id, 0.0) - self._monotonic()
            if held > 0:
                await self.outbox.retry(
                    msg.id,
                    timedelta(seconds=held + HOLD_MARGIN),
                    "held behind an earlier message to this chat",
                    count=False,
                )
                return
            await self._pace_chat(msg)
            async with self._slots:
                if self._stopping:
                    await self.outbox.release([msg.id])
                    return
                if not await self.outbox.mark_sending(msg.id):
                    return  # cancelled meanwhile
                if self._limiter is not None:
                    # Right before the wire: a slow database write between the slot and the
                    # send would bunch messages up past Telegram's global limit.
                    await self._limiter.acquire()
                try:
                    message_id = await self.transport.send(msg)
                except RetryLater as exc:
                    self.stats.throttled += 1
                    self._chat_next[msg.chat_id] = self._monotonic() + exc.seconds
                    self._hold[msg.chat_id] = self._chat_next[msg.chat_id]
                    await self.outbox.retry(
                        msg.id, timedelta(seconds=exc.seconds), exc.reason, count=False
                    )
                except ChatGone as exc:
                    self.stats.gone += 1
                    await self.outbox.fail(msg.id, exc.reason)
                    await self.outbox.fail_chat(msg.chat_id, exc.reason)
                    if self.on_chat_gone is not None:
                        await self.on_chat_gone(msg.chat_id, exc.reason)
                except Rejected as exc:
                    self.stats.failed += 1
                    self.stats.latest_errors.append(exc.reason)
                    log.warning("outbox row %s rejected: %s", msg.id, exc.reason)
                    await self.outbox.fail(msg.id, exc.reason)
                except Transient as exc:
                    if msg.attempts + 1 >= self.max_attempts:
                        self.stats.failed += 1
                        await self.outbox.fail(msg.id, f"gave up: {exc.reason}")
                    else:
                        self.stats.retried += 1
                        backoff = min(300.0, 2.0 ** (msg.attempts + 1))
                        self._hold[msg.chat_id] = self._monotonic() + backoff
                        await self.outbox.retry(msg.id, timedelta(seconds=backoff), exc.reason)
                else:
                    self.stats.sent += 1
                    await self.outbox.mark_sent(msg.id, message_id)
                finally:
                    self._note_sent(msg)

    # ---- loops ------------------------------------------------------------------------

    async def step(self) -> int:
        """Claim one batch and send it; returns how many rows were claimed."""
        claimed = await self.outbox.claim(self.instance, min(self.batch, self.concurrency * 8))
        if claimed:
            results = await asyncio.gather(
                *(self._deliver(m) for m in claimed), return_exceptions=True
            )
            for msg, result in zip(claimed, results, strict=True):
                if isinstance(result, Exception):
                    log.error("sending outbox row %s failed", msg.id, exc_info=result)
                    await self.outbox.retry(msg.id, timedelta(seconds=30), repr(result))
        return len(claimed)

    async def drain(self, *, max_wait: float = 0.0) -> int:
        """Send until nothing is ready (waiting up to `max_wait` s for delayed rows)."""
        total = 0
        deadline = self._monotonic() + max_wait
        while True:
            n = await self.step()
            total += n
            if n:
                continue
            if self._monotonic() >= deadline:
                return total
            await asyncio.sleep(min(self.poll_interval, max(0.0, deadline - self._monotonic())))

    async def aclose(self) -> None:
        """Release what the rate limiter holds (a Redis connection)."""
        close = getattr(self._limiter, "aclose", None)
        if close is not None:
            await close()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; in-flight messages finish, claimed ones are released."""
        await self.outbox.recover(older_than=timedelta(minutes=5))
        while not stop.is_set():
            try:
                n = await self.step()
            except Exception:
                log.exception("sender step failed; retrying shortly")
                n = 0
            if n == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_interval)
        self._stopping = True

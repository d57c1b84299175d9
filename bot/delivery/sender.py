"""The sender: the one loop that sends outbox rows, within Telegram's limits, each once.

Running (`run`), it is a registered instance with a heartbeat (see `bot.delivery.instances`): it
takes back its own rows at a restart, and sweeps dead senders' rows every heartbeat. Its pacing
starts from what the outbox says was sent lately (the last second globally, the last group window
per chat), so neither a restart nor a hand-over between instances overfills Telegram's limits."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import instance_name
from bot.delivery.arrivals import ArrivalWindow
from bot.delivery.instances import SenderRegistry
from bot.delivery.marks import MarkBatcher
from bot.delivery.outbox import Outbox, Outgoing
from bot.delivery.pacing import ChatPacer, OrderedSlots
from bot.delivery.ratelimit import LocalRateLimiter, RateLimiter
from bot.delivery.running import run_sender
from bot.delivery.transport import ChatGone, Rejected, RetryLater, Transient, Transport

log = logging.getLogger(__name__)

HOLD_MARGIN = 0.05  # rows held behind a retried one become ready just after it

ChatGoneHook = Callable[[int, str], Awaitable[None]]


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
    429 retry_after honoured, transient errors retried with backoff, gone chats marked.

    `instance` is its name (INSTANCE_NAME; default host:pid); while it runs, claimed rows carry
    the id of its registration (`self.instance`), fresh at each start."""

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
        pacer: ChatPacer | None = None,
        group_window: float = 60.0,
        heartbeat: float = 2.0,
        dead_after: float = 10.0,
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.name = instance or instance_name()
        self.instance = self.name  # the registration's id while `run` runs
        self.registry = SenderRegistry(outbox)
        self.heartbeat = heartbeat
        self.dead_after = dead_after
        self.concurrency = max(1, concurrency)
        self.max_attempts = max_attempts
        self.batch = batch
        self.poll_interval = poll_interval
        self.on_chat_gone = on_chat_gone
        self.stats = SenderStats()
        self._monotonic = monotonic
        # Evenly spaced sends so no 1-second window ever holds more than `rate` messages (see
        # LocalRateLimiter); `limiter` (e.g. shared by instances) replaces it.
        self._limiter: RateLimiter | None = limiter
        if limiter is None and rate > 0:
            self._limiter = LocalRateLimiter(rate)
        # ...and counted on arrival too: the way to Telegram delays some requests more than others
        # (see ArrivalWindow); replies share it.
        limit = getattr(self._limiter, "rate", rate)
        self.arrivals = ArrivalWindow(limit) if self._limiter is not None else None
        # A slot is held from the `sending` mark until the `sent` mark is committed, so rows on
        # the wire plus rows sent but not yet recorded never exceed `concurrency` (a crash can
        # send twice only those).
        self._slots = OrderedSlots(self.concurrency)
        self.marks = MarkBatcher(outbox)
        # Per-chat limits, and chats whose rows wait behind a retried earlier row (so a chat's
        # messages, an edition's parts, never overtake each other); shared with replies.
        self.pacer = pacer or ChatPacer(
            monotonic,
            per_chat_interval=per_chat_interval,
            group_per_minute=group_per_minute,
            group_window=group_window,
        )
        self._stopping = False

    # ---- pacing -----------------------------------------------------------------------

    async def _pace_chat(self, msg: Outgoing) -> None:
        while (wait := self.pacer.wait(msg.chat_id, msg.chat_type)) > 0:
            await asyncio.sleep(wait)

    def _note_sent(self, msg: Outgoing) -> None:
        self.pacer.note(msg.chat_id, msg.chat_type)

    async def _claim(self, limit: int) -> list[Outgoing]:
        """Claim rows; pace their chats after what others (or this sender before a restart)
        sent them lately, as the outbox records it."""
        pacer = self.pacer
        span = max(pacer.per_chat_interval, pacer.group_window if pacer.group_per_minute else 0)
        since = self.outbox.clock.now() - timedelta(seconds=span) if span > 0 else None
        claimed = await self.outbox.claim(self.instance, limit, recent_since=since)
        if since is not None:
            now = self.outbox.clock.now()
            for msg in claimed:
                ago = [(now - at).total_seconds() for at in msg.recent]
                pacer.learn(msg.chat_id, msg.chat_type, ago)
        return claimed

    # ---- one message ------------------------------------------------------------------

    async def _deliver(self, msg: Outgoing) -> None:
        async with self.pacer.turn(msg.chat_id):  # a chat's messages one at a time, in order
            await self._deliver_locked(msg)

    async def _deliver_locked(self, msg: Outgoing) -> None:
        me = self.instance
        held = self.pacer.held(msg.chat_id)
        if held > 0:
            await self.outbox.retry(
                msg.id,
                timedelta(seconds=held + HOLD_MARGIN),
                "held behind an earlier message to this chat",
                count=False,
                instance=me,
            )
            return
        await self._pace_chat(msg)
        async with self._slots.slot(msg.id):
            if self._stopping:
                await self.outbox.release([msg.id], instance=me)
                return
            if not await self.marks.sending(msg.id):
                return  # cancelled meanwhile
            if self._limiter is not None:
                # Right before the wire: a slow database write between the slot and the send
                # would bunch messages up past Telegram's global limit.
                await self._limiter.acquire()
            try:
                async with self._on_the_way():
                    message_id = await self.transport.send(msg)
            except RetryLater as exc:
                self._note_sent(msg)
                self.stats.throttled += 1
                log.warning("outbox row %s met a 429: retry in %.1f s", msg.id, exc.seconds)
                self.pacer.hold(msg.chat_id, self._monotonic() + exc.seconds)
                await self.outbox.retry(
                    msg.id, timedelta(seconds=exc.seconds), exc.reason, count=False, instance=me
                )
            except ChatGone as exc:
                self._note_sent(msg)
                self.stats.gone += 1
                await self.outbox.fail(msg.id, exc.reason, instance=me)
                await self.outbox.fail_chat(msg.chat_id, exc.reason)
                if self.on_chat_gone is not None:
                    await self.on_chat_gone(msg.chat_id, exc.reason)
            except Rejected as exc:
                self._note_sent(msg)
                self.stats.failed += 1
                self.stats.latest_errors.append(exc.reason)
                log.warning("outbox row %s rejected: %s", msg.id, exc.reason)
                await self.outbox.fail(msg.id, exc.reason, instance=me)
            except Transient as exc:
                self._note_sent(msg)
                if msg.attempts + 1 >= self.max_attempts:
                    self.stats.failed += 1
                    await self.outbox.fail(msg.id, f"gave up: {exc.reason}", instance=me)
                else:
                    self.stats.retried += 1
                    backoff = min(300.0, 2.0 ** (msg.attempts + 1))
                    self.pacer.hold(msg.chat_id, self._monotonic() + backoff)
                    await self.outbox.retry(
                        msg.id, timedelta(seconds=backoff), exc.reason, instance=me
                    )
            else:
                self._note_sent(msg)
                self.stats.sent += 1
                try:
                    await self.marks.sent(msg.id, message_id)
                except Exception:
                    # Never requeue a message Telegram has: the row stays `sending`, and only
                    # recover() after a restart may send it again.
                    log.exception("outbox row %s was sent but could not be recorded", msg.id)

    def _on_the_way(self) -> AbstractAsyncContextManager[None]:
        """The send within the arrival window (when there is a global limit)."""
        return self.arrivals.request() if self.arrivals is not None else nullcontext()

    async def _deliver_or_requeue(self, msg: Outgoing) -> None:
        """Deliver; a failure before the message reached Telegram puts the row back."""
        try:
            await self._deliver(msg)
        except Exception as exc:
            log.error("sending outbox row %s failed", msg.id, exc_info=exc)
            try:
                await self.outbox.retry(
                    msg.id, timedelta(seconds=30), repr(exc), instance=self.instance
                )
            except Exception:
                log.exception("could not requeue outbox row %s", msg.id)

    # ---- loops ------------------------------------------------------------------------

    @property
    def claim_size(self) -> int:
        """Rows claimed per transaction."""
        return max(1, min(self.batch, self.concurrency * 8))

    @property
    def window(self) -> int:
        """At most this many rows claimed and not yet settled at once."""
        return max(2 * self.claim_size, 2 * self.concurrency)

    async def step(self) -> int:
        """Claim one batch and send it all; returns how many rows were claimed."""
        claimed = await self._claim(self.claim_size)
        await asyncio.gather(*(self._deliver_or_requeue(m) for m in claimed))
        return len(claimed)

    async def _pump(self, stop: asyncio.Event | None, deadline: float | None) -> int:
        """The continuous pipeline: claim more rows as earlier ones settle, so no batch waits
        for its slowest send. Returns when `stop` is set, or (with a `deadline`) when nothing is
        ready or in hand after it. Rows in hand when it returns are settled or released."""
        tasks: set[asyncio.Task[None]] = set()
        room = asyncio.Event()  # set when enough rows settled to claim again
        refill = max(1, self.claim_size // 2)

        def settled(task: asyncio.Task[None]) -> None:
            tasks.discard(task)
            if self.window - len(tasks) >= refill:
                room.set()

        total = 0
        try:
            while stop is None or not stop.is_set():
                room.clear()
                wanted = min(self.claim_size, self.window - len(tasks))
                if tasks and wanted < refill:
                    wanted = 0  # wait for room rather than claim a handful
                claimed: list[Outgoing] = []
                if wanted > 0:
                    try:
                        claimed = await self._claim(wanted)
                    except Exception:
                        if stop is None:
                            raise
                        log.exception("claiming outbox rows failed; retrying shortly")
                for msg in claimed:
                    task = asyncio.create_task(self._deliver_or_requeue(msg))
                    tasks.add(task)
                    task.add_done_callback(settled)
                total += len(claimed)
                if claimed and len(claimed) == wanted:
                    continue  # more may be ready
                if tasks:
                    # no room: wait for it; room but nothing ready: look again after a while
                    await self._wait(room, stop, None if wanted == 0 else self.poll_interval)
                    continue
                if claimed:
                    continue
                if deadline is not None and self._monotonic() >= deadline:
                    break
                timeout = self.poll_interval
                if deadline is not None:
                    timeout = min(timeout, max(0.0, deadline - self._monotonic()))
                await self._wait(None, stop, timeout)
        finally:
            if tasks:
                self._stopping = self._stopping or (stop is not None and stop.is_set())
                await asyncio.gather(*tasks, return_exceptions=True)
        return total

    @staticmethod
    async def _wait(
        room: asyncio.Event | None, stop: asyncio.Event | None, timeout: float | None
    ) -> None:
        """Until `room` or `stop` is set, or `timeout` s passed."""
        events = [e for e in (room, stop) if e is not None]
        if not events:
            await asyncio.sleep(timeout or 0.0)
            return
        waiters = [asyncio.ensure_future(e.wait()) for e in events]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def drain(self, *, max_wait: float = 0.0) -> int:
        """Send until nothing is ready (waiting up to `max_wait` s for delayed rows)."""
        return await self._pump(None, self._monotonic() + max_wait)

    async def aclose(self) -> None:
        """Release what the rate limiter holds (a Redis connection)."""
        close = getattr(self._limiter, "aclose", None)
        if close is not None:
            await close()

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; in-flight messages finish, claimed ones are released.

        Registers first (taking back the rows an earlier run under the same name held) and
        sweeps dead senders' rows, then heartbeats and sweeps every `heartbeat` s (see
        `bot.delivery.running`)."""
        await run_sender(self, stop)

    def stop_sending(self) -> None:
        """Rows not yet on the wire are released, not sent (the end of `run`)."""
        self._stopping = True

    async def pump(self, stop: asyncio.Event) -> None:
        """The pipeline until `stop` is set (`run` without registration and heartbeats)."""
        await self._pump(stop, None)

    @property
    def limiter(self) -> RateLimiter | None:
        """The global rate limiter (None: no global limit)."""
        return self._limiter

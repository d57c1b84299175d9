"""The global send rate: evenly spaced slots, kept in-process or shared by every instance
through PostgreSQL (a one-row bucket) or Redis (a Lua script), many slots per round trip."""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[Any]]

HEADROOM = 0.98  # 2 % below the cap absorbs timer jitter and still reaches ≥ 0.97 of it
LATE_TOLERANCE = 0.002  # s a caller may wake after its slot before later slots move back
LATE_SHARE = 0.25  # of a second's slack (what the headroom leaves) late wake-ups may use up
GRANT_MARGIN = 0.005  # s: grants bunched by late wake-ups still leave a second this much slack
BUCKET = "telegram"
CLOCK_SAMPLES = 32  # round trips the store's clock offset is estimated from
CLOCK_SAMPLE_AGE = 10.0  # s a round trip counts for it (a slewing clock drifts ≤ 0.5 ms/s)
LEAD_SAMPLES = 3  # round trips an idle bucket's lead is taken from


class RateLimiter(Protocol):
    """Something the sender awaits before each message goes on the wire."""

    async def acquire(self) -> None:
        """Return when this caller may send one message."""
        ...


def loop_time() -> float:
    """The running event loop's clock (what asyncio.sleep measures against)."""
    return asyncio.get_running_loop().time()


def interval_for(rate: float, headroom: float = HEADROOM) -> float:
    """Seconds between two slots so no 1-second window holds more than `rate` messages."""
    if rate <= 0:
        raise ValueError(f"rate must be positive, got {rate}")
    return 1.0 / (rate * headroom)


def late_tolerance(rate: float, interval: float) -> float:
    """How late a caller may wake before later slots move back: five slots, but never more
    than a quarter of the slack a second keeps (`burst` slots span that much over 1 s).

    Grants then fall at most this late after their slots, so any `burst + 1` of them span at
    least `burst` intervals less it: the rest of the slack absorbs the jitter between a grant
    and the request's arrival (a request held up on its way lands next to later ones)."""
    slack = max(1, math.floor(rate)) * interval - 1.0
    return max(LATE_TOLERANCE, min(5 * interval, LATE_SHARE * slack))


class LocalRateLimiter:
    """Evenly spaced slots for one process (the sender's default).

    Slots sit at fixed instants `interval` apart, so a caller woken a little late (timer
    granularity, a busy loop) costs no throughput: the next slots keep their times. A caller
    woken later than `tolerance` (a stall: garbage collection, a slow callback) shifts every
    later slot by the excess instead, so the messages held up are not sent in a burst that,
    once they land next to the ones the stall delayed on their way, overfills Telegram's second.
    The default tolerance (`late_tolerance`) keeps late grants within a quarter of the slack the
    headroom leaves a second, the rest being left for the way to Telegram; and since callers
    woken together after a stall may run out of slot order, the grants themselves are paced too
    (each at most `tolerance` early on one `interval` after the last). On top, at most `burst`
    (the rate, at least 1) grants fall in any `burst / rate + margin` s.
    """

    def __init__(
        self,
        rate: float,
        *,
        headroom: float = HEADROOM,
        tolerance: float | None = None,
        margin: float = GRANT_MARGIN,
        monotonic: Monotonic = loop_time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.interval = interval_for(rate, headroom)
        self.tolerance = tolerance if tolerance is not None else late_tolerance(rate, self.interval)
        self.burst = max(1, math.floor(rate))
        self.window = self.burst / rate + margin
        self.shifted = 0.0  # seconds the schedule moved back after stalls
        self.delayed = 0  # grants held back by the window check
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = -math.inf  # schedule time of the next free slot
        # grants themselves run evenly: the next one no sooner than this less the tolerance
        self._paced = -math.inf
        self._granted: deque[float] = deque(maxlen=self.burst)

    def seed(self, ago: Iterable[float]) -> None:
        """Messages went out this many seconds ago (a previous run's last second, read from
        the outbox after a restart): no slot comes so soon that a second holds too many."""
        now = self._monotonic()
        for at in sorted(now - a for a in ago):
            self._granted.append(at)
            self._next = max(self._next, at - self.shifted + self.interval)
            self._paced = max(self._paced, at + self.interval)

    def reserve(self) -> float:
        """Take the next free slot; returns its time on the `monotonic` clock (as scheduled now)."""
        at = max(self._next, self._monotonic() - self.shifted)
        self._next = at + self.interval
        return at + self.shifted

    async def acquire(self) -> None:
        """Wait for this caller's slot (and, when grants bunched up, for the window to allow)."""
        slot = self.reserve() - self.shifted
        while True:
            now = self._monotonic()
            due = slot + self.shifted
            if now < due:
                await self._sleep(due - now)
                continue
            if now - due > self.tolerance:
                self.shifted += now - due - self.tolerance
            if now < self._paced - self.tolerance:
                # Callers woken together after a stall, out of slot order: one at a time.
                await self._sleep(self._paced - self.tolerance - now)
                continue
            if len(self._granted) == self.burst:
                wait = self._granted[0] + self.window - now
                if wait > 0:
                    self.delayed += 1
                    await self._sleep(wait)
                    continue
            self._granted.append(now)
            self._paced = max(self._paced, now) + self.interval
            return


class Reservation(NamedTuple):
    """A store's answer: the first slot and the store's now (on its clock), and the local
    instants the request went out and the answer arrived (on the limiter's clock)."""

    first: float
    store_now: float
    sent: float
    seen: float


class SharedRateLimiter:
    """Slots reserved from a store shared by every instance, `batch` evenly spaced ones per round
    trip. The store answers with its first slot and its own now, both on its clock; slots are
    placed on the local clock through the store's offset from it, estimated NTP-style from the
    quickest recent round trip (error: half of it). So every instance puts a slot where the store
    put it: an answer held up on its way back brings slots that are already past, not slots
    moved onto another instance's.

    A slot is used within `stale` s of its time or not at all: leftovers that passed are dropped
    and a caller woken too late takes the next one, since a late send could land next to another
    instance's slot.
    """

    def __init__(
        self,
        rate: float,
        *,
        batch: int | None = None,
        headroom: float = HEADROOM,
        stale: float = 0.005,
        monotonic: Monotonic = loop_time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.interval = interval_for(rate, headroom)
        # 50 ms of capacity per round trip: 1,000 msg/s is ~20 round trips/s across instances.
        self.batch = max(1, batch if batch is not None else round(rate * 0.05))
        self.stale = stale
        self.round_trips = 0
        self.dropped = 0
        self.missed = 0
        self._monotonic = monotonic
        self._sleep = sleep
        self._slots: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._waiting = 0
        # (local time of the answer, round trip, store clock minus local clock) per round trip
        self._samples: deque[tuple[float, float, float]] = deque(maxlen=CLOCK_SAMPLES)

    async def _reserve(self, count: int, lead: float) -> Reservation:
        """Reserve `count` slots in the store, none sooner than `lead` s from the store's now."""
        raise NotImplementedError

    def _tolerance(self) -> float:
        return self.stale

    @property
    def clock_offset(self) -> float:
        """The store's clock minus the local one, from the quickest recent round trip."""
        return min(self._samples, key=lambda sample: sample[1])[2]

    def _lead(self) -> float:
        # An idle bucket hands out slots from its now: start them later than the slowest of the
        # last few round trips, so the first slot has not passed by the time the answer is
        # here (one slow outlier lengthens only the next few leads).
        recent = list(self._samples)[-LEAD_SAMPLES:]
        return 1.5 * max((rtt for _, rtt, _ in recent), default=0.0) + self.stale

    async def _refill(self) -> None:
        count = max(self.batch, self._waiting)
        answer = await self._reserve(count, self._lead())
        self.round_trips += 1
        seen, rtt = answer.seen, answer.seen - answer.sent
        while self._samples and seen - self._samples[0][0] > CLOCK_SAMPLE_AGE:
            self._samples.popleft()  # clocks drift apart: only recent samples count
        # The store read its clock somewhere in the round trip: take the middle.
        self._samples.append((seen, rtt, answer.store_now - (answer.sent + seen) / 2))
        base = answer.first - self.clock_offset
        self._slots.extend(base + i * self.interval for i in range(count))

    async def take(self) -> float:
        """Take the next reserved slot (reserving more when none is left); local clock time."""
        self._waiting += 1
        try:
            async with self._lock:
                late = self._monotonic() - self._tolerance()
                while self._slots and self._slots[0] < late:
                    self._slots.popleft()
                    self.dropped += 1
                if not self._slots:
                    await self._refill()
                return self._slots.popleft()
        finally:
            self._waiting -= 1

    async def aclose(self) -> None:
        """Release the store's connection (nothing to do for PostgreSQL: the pool is shared)."""

    async def acquire(self) -> None:
        """Wait for this caller's slot; woken too late (a busy loop), take another one."""
        while True:
            at = await self.take()
            wait = at - self._monotonic()
            if wait > 0:
                await self._sleep(wait)
            if self._monotonic() - at <= self._tolerance():
                return
            self.missed += 1


PG_RESERVE = text(
    """
    INSERT INTO rate_buckets AS b (name, next_at)
    VALUES (:name, extract(epoch FROM clock_timestamp())::float8 + :lead + :span)
    ON CONFLICT (name) DO UPDATE
    SET next_at = greatest(b.next_at, extract(epoch FROM clock_timestamp())::float8 + :lead)
        + :span
    RETURNING b.next_at - :span AS first_at, extract(epoch FROM clock_timestamp())::float8 AS now
    """
)


class PostgresRateLimiter(SharedRateLimiter):
    """The shared bucket as one row of `rate_buckets` (name, next_at epoch seconds), moved by one
    autocommitted upsert per batch; PostgreSQL's row lock orders concurrent instances."""

    def __init__(self, engine: AsyncEngine, rate: float, *, name: str = BUCKET, **kw: Any) -> None:
        super().__init__(rate, **kw)
        self._engine = engine
        self.name = name

    async def _reserve(self, count: int, lead: float) -> Reservation:
        params = {"name": self.name, "span": count * self.interval, "lead": lead}
        async with self._engine.connect() as conn:  # (the pool's ping is not timed)
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            sent = self._monotonic()
            row = (await auto.execute(PG_RESERVE, params)).one()
            seen = self._monotonic()
        return Reservation(float(row.first_at), float(row.now), sent, seen)


REDIS_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local span = tonumber(ARGV[1])
local first = tonumber(redis.call('GET', KEYS[1]) or '0')
local earliest = now + tonumber(ARGV[3])
if first < earliest then first = earliest end
redis.call('SET', KEYS[1], string.format('%.6f', first + span), 'PX', tonumber(ARGV[2]))
return {string.format('%.6f', first), string.format('%.6f', now)}
"""


class RedisRateLimiter(SharedRateLimiter):
    """The shared bucket as one Redis key (the next free slot, Redis TIME seconds), moved by a Lua
    script per batch; Redis runs scripts one at a time."""

    def __init__(
        self, redis: Redis, rate: float, *, key: str = f"sitrep:rate:{BUCKET}", **kw: Any
    ) -> None:
        super().__init__(rate, **kw)
        self._redis = redis
        self.key = key
        self._script = redis.register_script(REDIS_RESERVE)

    async def _reserve(self, count: int, lead: float) -> Reservation:
        span = count * self.interval
        ttl_ms = int((span + lead + 60.0) * 1000)
        args: list[str | int] = [repr(span), ttl_ms, repr(lead)]
        sent = self._monotonic()
        first, now = await self._script(keys=[self.key], args=args)
        return Reservation(float(first), float(now), sent, self._monotonic())

    async def aclose(self) -> None:
        """Close the Redis client."""
        await self._redis.aclose()


def make_limiter(
    rate: float,
    *,
    redis_url: str | None = None,
    engine: AsyncEngine | None = None,
) -> RateLimiter | None:
    """Redis when `redis_url` is set, else PostgreSQL when `engine` is (needs the
    `rate_buckets` table), else in-process; None when `rate` is 0 (no limit)."""
    if rate <= 0:
        return None
    if redis_url:
        from redis.asyncio import Redis

        log.info("send rate %.1f/s shared through Redis", rate)
        return RedisRateLimiter(Redis.from_url(redis_url), rate)
    if engine is not None:
        log.info("send rate %.1f/s shared through PostgreSQL", rate)
        return PostgresRateLimiter(engine, rate)
    return LocalRateLimiter(rate)

"""The send-rate limiters: no 1-second window ever holds more than the rate, whether the slots
come from this process, from an in-memory store shared by instances, PostgreSQL or Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from bot.delivery.ratelimit import (
    HEADROOM,
    LocalRateLimiter,
    PostgresRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    Reservation,
    SharedRateLimiter,
    interval_for,
)
from bot.store.session import create_engine
from tests.support import dbtools
from tests.support.shared_limits import create_rate_buckets, max_in_window, redis_url
from tests.support.virtual_time import loop_time, warp

pytestmark = [pytest.mark.serial, pytest.mark.slow]


async def hammer(limiters: list[RateLimiter], per_limiter: int, tasks: int) -> list[list[float]]:
    """`tasks` concurrent callers per limiter acquire `per_limiter` slots in all; the loop time
    of every granted slot, per limiter."""
    granted: list[list[float]] = [[] for _ in limiters]

    async def caller(i: int, n: int) -> None:
        for _ in range(n):
            await limiters[i].acquire()
            granted[i].append(loop_time())

    await asyncio.gather(
        *(
            caller(i, per_limiter // tasks + (1 if t < per_limiter % tasks else 0))
            for i in range(len(limiters))
            for t in range(tasks)
        )
    )
    return granted


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ([], 0),
        ([0.0], 1),
        ([0.0, 0.5, 0.999, 1.0], 3),  # [0, 1) holds three; 1.0 starts the next second
        ([0.0, 1.0, 2.0, 3.0], 1),
        ([3.0, 0.1, 0.2, 2.9, 3.05], 3),  # unsorted input
    ],
)
def test_max_in_window(times: list[float], expected: int) -> None:
    assert max_in_window(times) == expected


@pytest.mark.parametrize(
    ("rate", "count", "tasks"),
    [
        (1.0, 5, 1),
        (30.0, 95, 8),
        (60.0, 200, 3),
        (1000.0, 2000, 8),
    ],
)
def test_local_limiter_spacing(rate: float, count: int, tasks: int) -> None:
    async def main() -> list[float]:
        return (await hammer([LocalRateLimiter(rate)], count, tasks))[0]

    times = warp(main)
    assert len(times) == count
    assert max_in_window(times) <= rate
    # Evenly spaced, yet not slower than needed: some second is (nearly) full.
    assert max_in_window(times) >= int(rate * HEADROOM) - 1


@pytest.mark.parametrize(
    ("rate", "headroom", "expected"),
    [(30.0, 0.99, 1 / 29.7), (1.0, 1.0, 1.0), (1000.0, 0.99, 1 / 990)],
)
def test_interval_for(rate: float, headroom: float, expected: float) -> None:
    assert interval_for(rate, headroom) == pytest.approx(expected)


@pytest.mark.parametrize("rate", [0.0, -1.0])
def test_interval_for_refuses_no_rate(rate: float) -> None:
    with pytest.raises(ValueError, match="rate must be positive"):
        interval_for(rate)


class MemoryBucket:
    """A store shared by limiters in one process, with a round-trip delay; its clock is the
    loop's plus `offset` (another machine's wall clock)."""

    def __init__(self, latency: float = 0.002, offset: float = 0.0) -> None:
        self.next_at = 0.0
        self.latency = latency
        self.offset = offset
        self.calls = 0

    async def reserve(self, span: float, lead: float, back: float | None = None) -> Reservation:
        """Like the PostgreSQL upsert: first free slot and the store's now; moves the bucket.
        The answer takes `back` s to arrive (default: half the latency)."""
        sent = loop_time()
        await asyncio.sleep(self.latency / 2)
        now = loop_time() + self.offset
        first = max(self.next_at, now + lead)
        self.next_at = first + span
        self.calls += 1
        await asyncio.sleep(self.latency / 2 if back is None else back)
        return Reservation(first, now, sent, loop_time())


class MemoryLimiter(SharedRateLimiter):
    """A SharedRateLimiter whose store is a MemoryBucket."""

    def __init__(self, bucket: MemoryBucket, rate: float, **kw: Any) -> None:
        super().__init__(rate, **kw)
        self.bucket = bucket

    async def _reserve(self, count: int, lead: float) -> Reservation:
        return await self.bucket.reserve(count * self.interval, lead)


class SlowAnswers(MemoryLimiter):
    """An instance whose every `every`-th answer is held up `delay` s on its way back (a busy
    process, a descheduled connection): the slots it brings were handed out that long ago."""

    def __init__(self, bucket: MemoryBucket, rate: float, every: int, delay: float) -> None:
        super().__init__(bucket, rate)
        self.every, self.delay, self.answers = every, delay, 0

    async def _reserve(self, count: int, lead: float) -> Reservation:
        self.answers += 1
        back = self.delay if self.answers % self.every == 0 else None
        return await self.bucket.reserve(count * self.interval, lead, back)


@pytest.mark.parametrize(
    ("rate", "instances", "per_instance", "tasks", "batch"),
    [
        (30.0, 2, 60, 8, None),  # batch 2 (50 ms of capacity)
        (60.0, 3, 80, 4, 1),  # one slot per round trip
        (1000.0, 4, 500, 8, None),  # batch 50
        (20.0, 2, 30, 1, 10),  # one caller each, 10 slots per round trip
    ],
)
def test_shared_limiter_spacing_and_batching(
    rate: float, instances: int, per_instance: int, tasks: int, batch: int | None
) -> None:
    bucket = MemoryBucket()

    async def main() -> tuple[list[list[float]], list[MemoryLimiter]]:
        limiters = [MemoryLimiter(bucket, rate, batch=batch) for _ in range(instances)]
        return await hammer(list(limiters), per_instance, tasks), limiters

    granted, limiters = warp(main)
    everything = [t for times in granted for t in times]
    assert [len(times) for times in granted] == [per_instance] * instances
    assert max_in_window(everything) <= rate
    assert bucket.calls == sum(lim.round_trips for lim in limiters)
    size = limiters[0].batch
    assert size == (batch or round(rate * 0.05))
    # Every round trip reserved at least `batch` slots, so there are at most count/batch of them
    # (plus the ones whose leftovers went stale).
    lost = sum(lim.dropped + lim.missed for lim in limiters)
    print(f"round trips {bucket.calls}, slots {len(everything)}, batch {size}, lost {lost}")
    assert bucket.calls <= len(everything) / size + lost


@pytest.mark.parametrize(
    ("rate", "every", "delay", "offset"),
    [
        (60.0, 3, 0.06, 0.0),  # the CI failure: 63 sends in one second at a cap of 60
        (30.0, 2, 0.2, 0.0),
        (1000.0, 4, 0.03, 0.0),
        (60.0, 3, 0.06, 1234.5),  # the store's clock is nowhere near the instances'
        (60.0, 3, 0.06, -7.25),
    ],
)
def test_late_answers_do_not_bunch_instances_together(
    rate: float, every: int, delay: float, offset: float
) -> None:
    """Slots are placed where the store put them, not where the answer arrived: an answer held
    up on its way back does not move its slots onto the other instance's (before: 62 in a
    second at a cap of 60 for the first case)."""
    bucket = MemoryBucket(offset=offset)

    async def main() -> tuple[list[list[float]], SlowAnswers]:
        slow = SlowAnswers(bucket, rate, every, delay)
        return await hammer([MemoryLimiter(bucket, rate), slow], int(rate * 2), 8), slow

    granted, slow = warp(main)
    everything = [t for times in granted for t in times]
    assert len(everything) == int(rate * 2) * 2
    assert max_in_window(everything) <= rate
    assert slow.answers >= every  # some answers were held up


def test_stale_leftover_slots_are_dropped_not_sent_late() -> None:
    now = [100.0]
    bucket_next = [0.0]

    class Fixed(SharedRateLimiter):
        async def _reserve(self, count: int, lead: float) -> Reservation:
            first = max(bucket_next[0], now[0] + lead)
            bucket_next[0] = first + count * self.interval
            return Reservation(first, now[0], now[0], now[0])

    async def no_sleep(_: float) -> None:
        return None

    async def main() -> tuple[float, float, Fixed]:
        lim = Fixed(10.0, batch=5, headroom=1.0, monotonic=lambda: now[0], sleep=no_sleep)
        first = await lim.take()
        now[0] += 10.0  # idle: the 4 leftovers (100.1 .. 100.4) are long past
        second = await lim.take()
        return first, second, lim

    first, second, lim = asyncio.run(main())
    # (an idle bucket starts its slots `stale` s ahead, plus 1.5 round trips: none here)
    assert (first, second) == (100.0 + lim.stale, 110.0 + lim.stale)
    assert (lim.round_trips, lim.dropped) == (2, 4)


# ---- the real stores: real time, a short run -----------------------------------------------

RATE = 100.0
PER_INSTANCE = 50  # 3 instances: 150 slots, 1.5 s


@pytest.fixture
def pg_bucket_url(pg_template: str | None) -> Iterator[str]:
    """A fresh PostgreSQL database with the bucket table."""
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, pg_template) as url:
        asyncio.run(create_rate_buckets(url))
        yield url


@pytest.fixture
async def redis_limiters() -> AsyncIterator[list[RedisRateLimiter]]:
    """Three Redis limiters (own clients, like three instances) on a fresh key."""
    url = redis_url()
    if url is None:
        pytest.skip("Redis tests need SITREP_TEST_REDIS_URL")
    redis = pytest.importorskip("redis.asyncio")
    key = f"sitrep:test:rate:{uuid.uuid4().hex[:8]}"
    limiters = [RedisRateLimiter(redis.Redis.from_url(url), RATE, key=key) for _ in range(3)]
    try:
        yield limiters
    finally:
        await limiters[0]._redis.delete(key)
        for lim in limiters:
            await lim.aclose()


def check_shared(granted: list[list[float]], limiters: list[SharedRateLimiter]) -> None:
    """Every slot granted, none over the rate (+1 for jitter), far fewer round trips than slots."""
    everything = [t for times in granted for t in times]
    assert [len(times) for times in granted] == [PER_INSTANCE] * len(limiters)
    assert max_in_window(everything) <= RATE + 1
    trips = sum(lim.round_trips for lim in limiters)
    assert trips <= len(everything) / 2, trips


@pytest.mark.pg
async def test_postgres_limiter_shared_by_instances(pg_bucket_url: str) -> None:
    engine = create_engine(pg_bucket_url)
    try:
        limiters = [PostgresRateLimiter(engine, RATE, name="t") for _ in range(3)]
        granted = await hammer(list(limiters), PER_INSTANCE, 4)
        check_shared(granted, list(limiters))
    finally:
        await engine.dispose()


@pytest.mark.redis
async def test_redis_limiter_shared_by_instances(redis_limiters: list[RedisRateLimiter]) -> None:
    granted = await hammer(list(redis_limiters), PER_INSTANCE, 4)
    check_shared(granted, list(redis_limiters))


def stalled(at: float, length: float) -> Callable[[float], Awaitable[None]]:
    """A sleep on a loop blocked from `at` for `length` s: wake-ups due meanwhile come late."""

    async def sleep(delay: float) -> None:
        end = loop_time() + delay
        if at <= end < at + length:
            end = at + length
        await asyncio.sleep(max(0.0, end - loop_time()))

    return sleep


def late_by(late: float) -> Callable[[float], Awaitable[None]]:
    """A sleep that always wakes `late` s after it should (timer granularity, a busy loop)."""

    async def sleep(delay: float) -> None:
        await asyncio.sleep(delay + late)

    return sleep


@pytest.mark.parametrize(("rate", "late"), [(30.0, 0.001), (30.0, 0.002), (1000.0, 0.001)])
def test_local_limiter_late_wakeups_cost_no_rate(rate: float, late: float) -> None:
    """Slots keep their times when callers wake a little late, so the rate holds."""

    async def main() -> list[float]:
        return (await hammer([LocalRateLimiter(rate, sleep=late_by(late))], int(rate * 2), 8))[0]

    times = warp(main)
    achieved = (len(times) - 1) / (times[-1] - times[0])
    assert achieved >= rate * (HEADROOM - 0.005)
    assert max_in_window(times) <= rate


@pytest.mark.parametrize("rate", [30.0, 1000.0])
def test_local_limiter_does_not_burst_after_a_stall(rate: float) -> None:
    """Slots that passed during a stall are not all granted at once when it ends."""

    async def main() -> tuple[LocalRateLimiter, float, list[float]]:
        start = loop_time()
        limiter = LocalRateLimiter(rate, sleep=stalled(start + 1.0, 0.2))
        return limiter, start, (await hammer([limiter], int(rate * 2), 16))[0]

    limiter, start, times = warp(main)
    end = start + 1.2
    after = [t for t in times if end <= t < end + 0.1]
    allowed = (0.1 + limiter.tolerance) / limiter.interval + 1
    assert len(after) <= allowed  # without the shift: 0.3 s worth of slots in 0.1 s
    # The schedule moved back by about the stall. (The loop runs in real time between idle
    # waits, so a busy machine's own late wake-ups, or a collector pass in a long test run,
    # shift it more: 12.5 ms measured; half the stall is allowed.)
    jitter = 0.1
    assert 0.2 - limiter.tolerance - limiter.interval <= limiter.shifted
    assert limiter.shifted <= 0.2 + limiter.tolerance + jitter
    assert max_in_window(times) <= rate


@pytest.mark.parametrize(("rate", "count"), [(30.0, 90), (1000.0, 2000)])
def test_local_limiter_window_caps_a_catch_up_burst(rate: float, count: int) -> None:
    """Even when told to catch up on everything a stall held back, no second overfills."""

    async def main() -> tuple[LocalRateLimiter, list[float]]:
        # A stall longer than the 1 s window, inside the run: more slots are due at its end than
        # one window may hold, so the window check must hold some back.
        limiter = LocalRateLimiter(rate, tolerance=10.0, sleep=stalled(loop_time() + 0.3, 1.5))
        return limiter, (await hammer([limiter], count, 16))[0]

    limiter, times = warp(main)
    busiest = max_in_window(times, limiter.window)
    assert busiest <= rate  # never more than the cap in any window
    if rate <= 30:
        # At 30/s the machine always outruns the cap, so the catch-up burst must have been held
        # back by the window check; at 1,000/s a loaded machine may grant slower than the cap.
        assert limiter.delayed > 0


def test_an_idle_bucket_leads_by_recent_round_trips_only() -> None:
    """The lead of an idle bucket follows the last few round trips: one slow answer lengthens
    the next few leads, not every lead for as long as its sample is kept."""
    now = [100.0]
    trips = iter([0.002, 0.5, 0.002, 0.002, 0.002, 0.002])
    leads: list[float] = []

    class Timed(SharedRateLimiter):
        async def _reserve(self, count: int, lead: float) -> Reservation:
            leads.append(lead)
            sent = now[0]
            now[0] += next(trips)
            return Reservation(now[0] + lead, now[0], sent, now[0])

    async def no_sleep(_: float) -> None:
        return None

    async def main() -> None:
        lim = Timed(10.0, batch=1, monotonic=lambda: now[0], sleep=no_sleep)
        for _ in range(6):
            await lim.take()
            now[0] += 1.0  # idle between messages

    asyncio.run(main())
    stale = 0.005
    assert leads == pytest.approx(
        [stale, 1.5 * 0.002 + stale] + [1.5 * 0.5 + stale] * 3 + [1.5 * 0.002 + stale]
    )

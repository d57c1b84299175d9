"""One sender process for the multi-instance test: a Sender on the shared outbox with a shared
limiter, sending through its own in-process Bot API, logging every accepted send.

    python -m tests.support.shared_sender URL LOG NAME RATE HEADROOM STORE BUCKET [REDIS_URL]

(STORE: postgres or redis.)

Prints "ready" once set up, waits for a line on stdin, drains the outbox, prints its stats.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TextIO

from telegram import Bot

from bot.delivery.outbox import Outbox, Outgoing
from bot.delivery.ratelimit import PostgresRateLimiter, RedisRateLimiter, SharedRateLimiter
from bot.delivery.sender import Sender
from bot.delivery.telegram_transport import TelegramTransport
from bot.domain.clock import Clock
from bot.sim.api import LocalBotApi, LocalRequest
from bot.store.session import create_engine, create_sessionmaker

TOKEN = "123456:LOCAL"


class LoggingTransport:
    """The real transport; every accepted send is appended to a log: row, chat, times."""

    def __init__(self, inner: TelegramTransport, log: TextIO) -> None:
        self.inner = inner
        self.log = log

    async def send(self, message: Outgoing) -> int:
        """Send; once accepted, log `row chat monotonic wall` of when it went out."""
        mono, wall = time.monotonic(), time.time()
        message_id = await self.inner.send(message)
        self.log.write(f"{message.id} {message.chat_id} {mono:.6f} {wall:.6f}\n")
        self.log.flush()
        return message_id


async def main(
    url: str,
    log_path: str,
    name: str,
    rate: float,
    headroom: float,
    store: str,
    bucket: str,
    redis_url: str,
) -> None:
    """Set up, say ready, wait for go, drain the outbox, report."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    limiter: SharedRateLimiter
    if store == "redis":
        from redis.asyncio import Redis

        limiter = RedisRateLimiter(Redis.from_url(redis_url), rate, key=bucket, headroom=headroom)
    else:
        limiter = PostgresRateLimiter(engine, rate, name=bucket, headroom=headroom)
    api = LocalBotApi(global_rate=None)  # the cap is checked across both logs afterwards
    with open(log_path, "w", encoding="utf-8") as log:
        async with Bot(token=TOKEN, request=LocalRequest(api)) as bot:
            sender = Sender(
                Outbox(sessions, Clock()),
                LoggingTransport(TelegramTransport(bot), log),
                limiter=limiter,
                concurrency=8,
                instance=name,
                poll_interval=0.1,
            )
            # A running bot's pool is warm: open the connections before the clock starts.
            await asyncio.gather(*(sender.outbox.counts() for _ in range(10)))
            print("ready", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
            outbox = sender.outbox
            while True:
                await sender.drain()  # the pipeline, until nothing is ready
                counts = await outbox.counts()
                if not any(counts.get(state, 0) for state in ("queued", "claimed", "sending")):
                    break  # the other process may still hold rows: wait until all are settled
                await asyncio.sleep(0.1)
    await limiter.aclose()
    await engine.dispose()
    s = sender.stats
    print(
        f"sent={s.sent} failed={s.failed} retried={s.retried} throttled={s.throttled} "
        f"round_trips={limiter.round_trips} dropped={limiter.dropped} missed={limiter.missed}",
        flush=True,
    )


if __name__ == "__main__":
    url, log_path, name, rate, headroom, store, bucket = sys.argv[1:8]
    redis_url = sys.argv[8] if len(sys.argv) > 8 else ""
    asyncio.run(main(url, log_path, name, float(rate), float(headroom), store, bucket, redis_url))

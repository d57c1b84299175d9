"""A sender process for the kill tests: `Sender.run` on the outbox (a registered instance with
heartbeats), through PTB's HTTP stack to a Bot API URL, until nothing is left to send; then
prints "done".

Usage: python -m tests.support.kill_sender DATABASE_URL BOT_API_BASE_URL --name NAME
       [--rate R] [--headroom H] [--per-chat S] [--group-per-minute N] [--group-window S]
       [--heartbeat S] [--dead-after S] [--concurrency N] [--standby]

With --standby it connects, prints "ready" and waits for a line on stdin before it starts (a
supervisor's restart without the interpreter's start-up). The global rate is kept as the app
keeps it: in PostgreSQL's shared bucket, or in the process (on SQLite).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.delivery.outbox import Outbox
from bot.delivery.ratelimit import LocalRateLimiter, PostgresRateLimiter, RateLimiter
from bot.delivery.sender import Sender
from bot.delivery.telegram_transport import TelegramTransport
from bot.domain.clock import Clock
from bot.store.session import create_engine, create_sessionmaker

TOKEN = "123456:LOCAL"
UNFINISHED = ("queued", "claimed", "sending")


async def main(args: argparse.Namespace) -> None:
    """Run the sender until every row is settled."""
    engine = create_engine(args.url)
    outbox = Outbox(create_sessionmaker(engine), Clock())
    limiter: RateLimiter
    if args.url.startswith("postgresql"):
        limiter = PostgresRateLimiter(engine, args.rate, headroom=args.headroom)
    else:
        limiter = LocalRateLimiter(args.rate, headroom=args.headroom)
    request = HTTPXRequest(connection_pool_size=args.concurrency + 4)
    async with Bot(TOKEN, base_url=args.base_url, request=request) as bot:
        sender = Sender(
            outbox,
            TelegramTransport(bot),
            limiter=limiter,
            concurrency=args.concurrency,
            per_chat_interval=args.per_chat,
            group_per_minute=args.group_per_minute,
            group_window=args.group_window,
            poll_interval=0.05,
            instance=args.name,
            heartbeat=args.heartbeat,
            dead_after=args.dead_after,
        )
        await asyncio.gather(*(outbox.counts() for _ in range(4)))  # a warm pool
        if args.standby:
            print("ready", flush=True)
            await asyncio.to_thread(sys.stdin.readline)
        stop = asyncio.Event()

        async def watch() -> None:
            while True:
                counts = await outbox.counts()
                if not any(counts.get(s) for s in UNFINISHED):
                    stop.set()
                    return
                await asyncio.sleep(0.1)

        watcher = asyncio.create_task(watch())
        print("started", flush=True)
        await sender.run(stop)
        await watcher
    await engine.dispose()
    waits = sender.arrivals.waits if sender.arrivals is not None else -1
    print(f"done throttled={sender.stats.throttled} waits={waits}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("base_url")
    parser.add_argument("--name", required=True)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--headroom", type=float, default=0.95)
    parser.add_argument("--per-chat", type=float, default=1.0)
    parser.add_argument("--group-per-minute", type=int, default=20)
    parser.add_argument("--group-window", type=float, default=60.0)
    parser.add_argument("--heartbeat", type=float, default=0.5)
    parser.add_argument("--dead-after", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--standby", action="store_true")
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parser.parse_args()))

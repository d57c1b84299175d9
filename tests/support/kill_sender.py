"""A sender process for the kill test: sends the outbox through PTB's HTTP stack to a Bot API
URL until nothing is left to send, then prints "done".

Usage: python -m tests.support.kill_sender DATABASE_URL BOT_API_BASE_URL
       [--concurrency N] [--clock-offset SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime, timedelta

from telegram import Bot

from bot.bootstrap import open_services
from bot.config import Settings
from bot.delivery.sender import Sender
from bot.delivery.telegram_transport import TelegramTransport
from bot.domain.clock import Clock

TOKEN = "123456:LOCAL"
UNFINISHED = ("queued", "claimed", "sending")


class OffsetClock(Clock):
    """Real time shifted by an offset (a restart "later", so stale claims are recovered)."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        """Now plus the offset."""
        return super().now() + self.offset


async def main(url: str, base_url: str, concurrency: int, offset: float) -> None:
    """Run the sender until every row is settled."""
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    clock = OffsetClock(timedelta(seconds=offset))
    async with open_services(settings, clock) as domain, Bot(TOKEN, base_url=base_url) as bot:
        sender = Sender(
            domain.outbox,
            TelegramTransport(bot),
            rate=10_000,
            concurrency=concurrency,
            per_chat_interval=0.0,
            poll_interval=0.05,
        )
        stop = asyncio.Event()

        async def watch() -> None:
            while True:
                counts = await domain.outbox.counts()
                if not any(counts.get(s) for s in UNFINISHED):
                    stop.set()
                    return
                await asyncio.sleep(0.1)

        watcher = asyncio.create_task(watch())
        print("started", flush=True)
        await sender.run(stop)
        await watcher
    print("done", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("base_url")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--clock-offset", type=float, default=0.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.url, args.base_url, args.concurrency, args.clock_offset))

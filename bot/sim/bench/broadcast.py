"""Bench part (c): broadcast throughput through the real Sender into the in-process Bot API."""

from __future__ import annotations

import asyncio
import gc
import math
import os
import time
from typing import Any

from bot.domain.delivery_states import OutboxKind, OutboxState
from bot.sim.bench.plans import LATENCY, BenchPlan, Progress
from bot.sim.bench.scratch import ScratchStores, bench_settings, isolated, peak_rss_mb


def broadcast_concurrency(cap: int, latency: float = LATENCY) -> int:
    """Sends in flight needed to keep `cap` msg/s with `latency` s per call, with headroom."""
    return max(8, min(1000, math.ceil(cap * latency * 2)))


async def _broadcast(url: str, cap: int, messages: int) -> dict[str, Any]:
    from telegram import Bot

    from bot.bootstrap import open_services
    from bot.delivery.sender import Sender
    from bot.delivery.telegram_transport import TelegramTransport
    from bot.domain.messages import NewMessage
    from bot.sim.api import LocalBotApi, LocalRequest
    from bot.telegram.app import LOCAL_TOKEN

    # Telegram's side keeps no history here: its bookkeeping is not the sender's cost.
    api = LocalBotApi(
        latency=LATENCY,
        global_rate=cap,
        per_chat_interval=None,
        group_per_minute=None,
        keep_history=False,
    )
    async with open_services(bench_settings(url)) as domain:
        text = "<b>Flash</b>: synthetic broadcast to measure delivery throughput."
        await domain.outbox.enqueue(
            [
                NewMessage(kind=OutboxKind.PUSH, dedupe_key=f"bench:{cap}:{i}",
                           chat_id=200_000_000 + i, text=text, batch=f"bench-{cap}")
                for i in range(messages)
            ]
        )  # fmt: skip
        async with Bot(LOCAL_TOKEN, request=LocalRequest(api)) as bot:
            concurrency = broadcast_concurrency(cap)
            sender = Sender(
                domain.outbox, TelegramTransport(bot), rate=cap, concurrency=concurrency
            )
            # As the app does after start-up: long-lived objects out of the collector's way.
            gc.collect()
            gc.freeze()
            t0 = time.perf_counter()
            await sender.drain(max_wait=messages / cap + 5.0)
            drain_s = time.perf_counter() - t0
        counts = await domain.outbox.counts(f"bench-{cap}")
    sends = [c for c in api.calls if c.method == "sendMessage"]
    ok = sorted(c.at for c in sends if c.ok)
    throttled = sum(1 for c in sends if c.status == 429)
    span = ok[-1] - ok[0] if len(ok) > 1 else 0.0
    rate = (len(ok) - 1) / span if span > 0 else 0.0
    return {
        "cap": cap,
        "messages": messages,
        "sent": counts.get(OutboxState.SENT, 0),
        "concurrency": concurrency,
        "latency_ms": round(LATENCY * 1000),
        "achieved_per_s": round(rate, 1),
        "ratio": round(rate / cap, 3),
        "drain_s": round(drain_s, 2),
        "throttled_429": throttled,
    }


def bench_broadcast(plan: BenchPlan, stores: ScratchStores, progress: Progress) -> dict[str, Any]:
    """Throughput at each global cap, each on a fresh outbox."""
    results: dict[str, Any] = {}
    for cap, messages in plan.broadcasts:
        progress(f"broadcast: {messages:,} messages at a {cap}/s cap")
        results[str(cap)] = isolated(_broadcast_part, stores, cap, messages)
    return results


def _broadcast_part(stores: ScratchStores, cap: int, messages: int) -> dict[str, Any]:
    url = stores.fresh(f"broadcast-{cap}")
    result = asyncio.run(_broadcast(url, cap, messages))
    result["rss_after_mb"] = peak_rss_mb()
    result["pid"] = os.getpid()
    return result

"""A sender's life as a registered instance: register (taking back the rows an earlier run under
the same name held), sweep dead senders, start pacing from the outbox's last second, then send
while a heartbeat task keeps the registration alive and sweeps every `heartbeat` s."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.delivery.sender import Sender

log = logging.getLogger(__name__)

GLOBAL_WINDOW = 1.05  # s of earlier sends a restarted in-process limiter starts from


async def register(sender: Sender, *, take_over: bool) -> None:
    """A fresh registration; its id is what the sender's claims carry from now on."""
    sender.instance, _ = await sender.registry.register(sender.name, take_over=take_over)
    sender.marks.instance = sender.instance


async def seed_limiter(sender: Sender) -> None:
    """An in-process limiter, and the arrival window, start from the outbox's last second (a
    restart's: `sent_at` is written after Telegram answered, so no earlier than the arrival)."""
    seed = getattr(sender.limiter, "seed", None)
    if seed is None and sender.arrivals is None:
        return
    outbox = sender.outbox
    now = outbox.clock.now()
    found = await outbox.recent_sends(None, now - timedelta(seconds=GLOBAL_WINDOW))
    ago = [(now - at).total_seconds() for sends in found.values() for at in sends]
    if seed is not None:
        seed(ago)
    if sender.arrivals is not None:
        sender.arrivals.seed(ago)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def keep_alive(sender: Sender, stop: asyncio.Event) -> None:
    """Heartbeat and sweep every `heartbeat` s; registers again if taken for dead."""
    dead_after = timedelta(seconds=sender.dead_after)
    while not stop.is_set():
        await _pause(stop, sender.heartbeat)
        if stop.is_set():
            return
        try:
            if not await sender.registry.heartbeat(sender.instance):
                log.warning(
                    "sender %s was taken for dead (its rows went to others); registering again",
                    sender.instance,
                )
                await register(sender, take_over=False)
            await sender.registry.sweep(dead_after)
        except Exception:
            log.exception("sender heartbeat failed; retrying")


async def run_sender(sender: Sender, stop: asyncio.Event) -> None:
    """Register, then send until `stop` is set; unregister at the end."""
    while True:
        try:
            await register(sender, take_over=True)
            await sender.registry.sweep(timedelta(seconds=sender.dead_after))
            await seed_limiter(sender)
            break
        except Exception:
            log.exception("sender registration failed; retrying shortly")
            await _pause(stop, sender.poll_interval)
            if stop.is_set():
                return
    alive = asyncio.create_task(keep_alive(sender, stop), name="sender-heartbeat")
    try:
        while not stop.is_set():
            try:
                await sender.pump(stop)
            except Exception:
                log.exception("sender loop failed; retrying shortly")
                await _pause(stop, sender.poll_interval)
    finally:
        sender.stop_sending()
        alive.cancel()
        await asyncio.gather(alive, return_exceptions=True)
        try:
            await sender.registry.leave(sender.instance)
        except Exception:
            log.exception("could not unregister sender %s", sender.instance)

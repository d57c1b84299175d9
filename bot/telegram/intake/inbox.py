"""Updates go through the inbox (``bot.store.inbox``) on their way to the handlers, whether
they come by webhook or by long polling, so no acknowledged update is lost to a crash.

- ``InboxQueue`` is the application's update queue: ``put`` stores an update before queueing it
  and drops one stored before (Telegram sent it again). The webhook answers 200 and long polling
  confirms an update's offset only after ``put`` returned, so Telegram keeps every update that
  was not stored. A store that fails raises ``NetworkError``: the webhook answers 503, and
  PTB's polling loop retries with the same offset.
- ``SitrepApplication.process_update`` (bot.telegram.context) marks an update done once handled.
- ``start_inbox`` (at start-up) queues what an earlier process of this name left unfinished and
  starts a sweep that, every SWEEP_SECONDS, takes over a dead instance's unfinished updates once
  their lease ran out and purges old done ones; ``stop_inbox`` ends the sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import NetworkError

from bot.domain.people.ports import UpdateStore

if TYPE_CHECKING:
    from bot.telegram.context import SitrepApp

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0


class InboxQueue(asyncio.Queue[object]):
    """The update queue; with an inbox attached, an update is stored before it is queued."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox: UpdateStore | None = None

    async def put(self, item: object) -> None:
        """Store and queue an update (one stored before is dropped); anything else is queued."""
        if self.inbox is not None and isinstance(item, Update):
            try:
                fresh = await self.inbox.accept(item.update_id, item.to_dict())
            except Exception as exc:
                log.exception("could not store update %s", item.update_id)
                raise NetworkError(f"could not store update {item.update_id}") from exc
            if not fresh:
                log.info("update %s was stored before: not handled again", item.update_id)
                return
        await super().put(item)

    async def put_stored(self, item: Update) -> None:
        """Queue an update the inbox already holds (taken over from a stopped process)."""
        await super().put(item)


def _queue_of(app: SitrepApp) -> InboxQueue:
    if not isinstance(app.update_queue, InboxQueue):
        raise RuntimeError("the update inbox needs the application built with an InboxQueue")
    return app.update_queue


async def requeue_unfinished(app: SitrepApp, *, mine: bool = False) -> int:
    """Queue the inbox's unfinished updates of stopped instances (with `mine`, also those of an
    earlier process of this instance's name); how many."""
    inbox = app.bot_data.services.inbox
    queue = _queue_of(app)
    queued = 0
    for item in await inbox.reclaim(mine=mine):
        try:
            update = Update.de_json(item.body, app.bot)
        except (ValueError, TypeError, KeyError) as exc:  # (stored only after it parsed)
            log.error("stored update %s cannot be read again: %s", item.update_id, exc)
            update = None
        if update is None:
            await inbox.done(item.update_id)
            continue
        await queue.put_stored(update)
        queued += 1
    return queued


async def _sweep(app: SitrepApp) -> None:
    """Every SWEEP_SECONDS: take over updates a dead instance left; purge old done ones."""
    inbox = app.bot_data.services.inbox
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            await requeue_unfinished(app)
            await inbox.purge()
        except Exception:
            log.exception("update inbox sweep failed; trying again in %.0f s", SWEEP_SECONDS)


async def start_inbox(app: SitrepApp) -> None:
    """Route updates through the inbox, queue this name's unfinished ones, start the sweep."""
    data = app.bot_data
    _queue_of(app).inbox = data.services.inbox
    await requeue_unfinished(app, mine=True)
    data.inbox_sweep = asyncio.create_task(_sweep(app), name="update-inbox-sweep")


async def stop_inbox(app: SitrepApp) -> None:
    """End the sweep (updates already queued are still handled and marked done)."""
    data = app.bot_data
    if data.inbox_sweep is not None:
        data.inbox_sweep.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await data.inbox_sweep
        data.inbox_sweep = None

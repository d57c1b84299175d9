"""Updates go through the inbox (``bot.store.inbox``) on their way to the handlers, whether
they come by webhook or by long polling, so no acknowledged update is lost to a crash.

- ``InboxQueue`` is the application's update queue: ``put`` stores an update before queueing it
  and drops one stored before (Telegram sent it again). The webhook answers 200 and long polling
  confirms an update's offset only after ``put`` returned, so Telegram keeps every update that
  was not stored. A store that fails because the inbox cannot be reached (an outage) raises
  ``NetworkError``: the webhook answers 503, and PTB's polling loop retries with the same offset.
  An update that cannot be stored while the inbox works (its body is not JSON-safe, or the
  inbox refuses it with ``ValueError``) is set aside as a dead letter (one log line) and handled
  without the guarantee, so it cannot hold back the updates after it.
- ``update_body`` is what is stored: the update as the Bot API's JSON (datetimes as Unix time),
  with lone surrogates and NULs replaced (``clean``) as they are before any handler sees it.
- The queue holds at most MAX_QUEUED updates: when handling falls behind, ``put`` waits, so long
  polling stops fetching (Telegram keeps the updates) and the webhook answers later; memory
  stays bounded however many updates arrive.
- ``SitrepApplication.process_update`` (bot.telegram.context) marks an update done once handled.
- ``start_inbox`` (at start-up) queues what an earlier process of this name left unfinished and
  starts a sweep that, every SWEEP_SECONDS, renews the leases of the updates this process holds
  (queued or being handled) and takes over a dead instance's unfinished updates once
  their lease ran out and purges old done ones and old dead letters; ``stop_inbox`` ends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import logging
from typing import TYPE_CHECKING, Any, Protocol

from telegram import Update
from telegram.error import NetworkError

from bot.domain.people.ports import UpdateStore
from bot.telegram.intake.clean import clean_value
from bot.telegram.intake.deadletter import DeadLetterStore, try_set_aside

if TYPE_CHECKING:
    from bot.telegram.context import SitrepApp

log = logging.getLogger(__name__)

SWEEP_SECONDS = 30.0
# Updates queued in memory at most (above RECLAIM_LIMIT, so that start-up can queue what it takes
# over before handling begins): beyond it `put` waits, and Telegram keeps the rest.
MAX_QUEUED = 1000


def _json_value(value: object) -> object:
    """What ``json.dumps`` cannot write in an update's ``to_dict()``: a datetime becomes the Unix
    timestamp the Bot API sent (``Update.de_json`` reads it back; 0 is an inaccessible message's
    date), a duration its seconds."""
    if isinstance(value, dtm.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dtm.UTC)
        return int(aware.timestamp())
    if isinstance(value, dtm.timedelta):
        seconds = value.total_seconds()
        return int(seconds) if seconds.is_integer() else seconds
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def update_body(update: Update) -> dict[str, Any]:
    """The update as JSON-safe data, as the Bot API would send it (``Update.de_json`` input)."""
    body = clean_value(json.loads(json.dumps(update.to_dict(), default=_json_value)))
    if not isinstance(body, dict):
        raise TypeError("an update is a JSON object")
    return body


def _raw(update: Update) -> str:
    """The update as JSON text for a dead letter, however odd it is."""
    try:
        return json.dumps(update.to_dict(), default=str, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as exc:
        return f"(update {update.update_id} cannot be written as JSON: {type(exc).__name__})"


def _one_line(exc: BaseException) -> str:
    """An exception as one short log line (database errors span several)."""
    first = (str(exc).splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {first}"


class AttemptCounter(Protocol):
    """Counts an attempt at an update taken over from a stopped process (UpdateInbox)."""

    async def started(self, update_id: int) -> None:
        """Count an attempt at handling this update."""
        ...


class InboxQueue(asyncio.Queue[object]):
    """The update queue; with an inbox attached, an update is stored before it is queued."""

    def __init__(self) -> None:
        super().__init__(maxsize=MAX_QUEUED)
        self.inbox: UpdateStore | None = None
        self.dead_letters: DeadLetterStore | None = None
        self.attempts: AttemptCounter | None = None
        self._taken_over: set[int] = set()  # queued by put_stored, attempt not yet counted
        # With an update processor that handles updates side by side (intake.lanes): at most
        # `hand_limit` taken and not yet done, and attempts counted as handling begins (`begin`).
        self.hand_limit: int | None = None
        self.charge_on_get = True
        self._in_hand = 0
        self._room = asyncio.Event()

    async def put(self, item: object) -> None:
        """Store and queue an update (one stored before is dropped); anything else is queued.

        A store that fails while the inbox answers means this update cannot be stored (not an
        outage): it is queued without the inbox's guarantee rather than stall every later one.
        """
        if self.inbox is not None and isinstance(item, Update):
            try:
                fresh = await self.inbox.accept(item.update_id, update_body(item))
            except (TypeError, ValueError, RecursionError) as exc:
                # Not JSON-safe, or the inbox answers but refuses this one (UpdateInbox.accept).
                reason = f"cannot be stored, handled without the inbox: {_one_line(exc)}"
                await try_set_aside(self.dead_letters, item.update_id, "inbox", reason, _raw(item))
                fresh = True
            except Exception as exc:
                log.error("could not store update %s: %s", item.update_id, _one_line(exc))
                raise NetworkError(f"could not store update {item.update_id}") from exc
            if not fresh:
                log.info("update %s was stored before: not handled again", item.update_id)
                return
        await super().put(item)

    async def put_stored(self, item: Update) -> None:
        """Queue an update the inbox already holds (taken over from a stopped process); its
        attempt is counted when it is taken off the queue to be handled (``get``)."""
        self._taken_over.add(item.update_id)
        await super().put(item)

    async def get(self) -> object:
        """The next item (waiting while `hand_limit` are in hand). Without an update processor
        that begins them itself, an update taken over from a stopped process counts an attempt
        now, as its handling begins (the application handles each update as it takes it), so
        only the update that was being handled when a process died is charged for that death."""
        while self.hand_limit is not None and self._in_hand >= self.hand_limit:
            self._room.clear()
            await self._room.wait()
        item = await super().get()
        self._in_hand += 1
        if self.charge_on_get:
            await self.begin(item)
        return item

    def task_done(self) -> None:
        """An item taken off the queue is done with (room for the next one)."""
        super().task_done()
        self._in_hand = max(0, self._in_hand - 1)
        self._room.set()

    def taken_over(self, item: object) -> bool:
        """Whether `item` is an update taken over from a stopped process, not yet begun."""
        return isinstance(item, Update) and item.update_id in self._taken_over

    async def begin(self, item: object) -> None:
        """Handling of `item` begins: an update taken over from a stopped process counts an
        attempt now."""
        if isinstance(item, Update) and item.update_id in self._taken_over:
            self._taken_over.discard(item.update_id)
            if self.attempts is not None:
                try:
                    await self.attempts.started(item.update_id)
                except Exception as exc:
                    log.warning(
                        "update %s: attempt not counted: %s", item.update_id, _one_line(exc)
                    )


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
    for item in await inbox.reclaim(mine=mine, charge=False):
        try:
            update = Update.de_json(item.body, app.bot)
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            reason = f"stored but cannot be read again: {_one_line(exc)}"
            await try_set_aside(inbox.dead_letters, item.update_id, "inbox", reason, str(item.body))
            update = None
        if update is None:
            await inbox.done(item.update_id)
            continue
        await queue.put_stored(update)
        queued += 1
    return queued


async def _sweep(app: SitrepApp) -> None:
    """Every SWEEP_SECONDS: renew the leases of the updates this process holds, take over those
    a dead instance left, purge old done ones and old dead letters."""
    inbox = app.bot_data.services.inbox
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            # Our own queue may be long: keep its leases, or the sweep would queue them again.
            await inbox.renew()
            await requeue_unfinished(app)
            await inbox.purge()
            await inbox.dead_letters.purge()
        except Exception:
            log.exception("update inbox sweep failed; trying again in %.0f s", SWEEP_SECONDS)


async def start_inbox(app: SitrepApp) -> None:
    """Route updates through the inbox, queue this name's unfinished ones, start the sweep."""
    data = app.bot_data
    queue = _queue_of(app)
    queue.inbox = data.services.inbox
    queue.dead_letters = data.services.inbox.dead_letters
    queue.attempts = data.services.inbox
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

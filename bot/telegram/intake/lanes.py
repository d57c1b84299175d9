"""Update lanes: updates from different chats are handled side by side, a chat's own in order,
and each within a time limit, so no update waits behind another chat's.

``UpdateLanes`` is the application's update processor (PTB's ``concurrent_updates``):

- an update's lane is its chat (else its user); updates of one lane run one at a time, in the
  order they came; updates of no chat or user run as they come;
- at most RUNNING updates are handled at once (the database pool is shared), and at most
  IN_HAND are taken off the update queue and not yet done (``InboxQueue.get`` waits beyond it,
  so a flood stays in the queue, then at Telegram, not in memory);
- an update's handling that runs longer than HANDLER_TIMEOUT_S is cancelled: the user is told it
  took too long, the update is set aside as a dead letter (source "timeout") and marked done,
  and its lane moves on;
- updates taken over from a stopped process run one at a time (each charged one attempt as it
  starts), so an update that kills the process charges only itself, not its neighbours.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.intake.deadletter import dead_letters_of, one_line, try_set_aside
from bot.telegram.intake.inbox import InboxQueue

if TYPE_CHECKING:
    from bot.telegram.context import SitrepApp

log = logging.getLogger(__name__)

RUNNING = 8  # updates handled at once
IN_HAND = 256  # updates taken off the queue and not yet done
DEFAULT_TIMEOUT = 30.0


def lane_of(update: object) -> tuple[str, int] | None:
    """The lane an update runs in: its chat, else its user (None: no order to keep)."""
    if not isinstance(update, Update):
        return None
    try:
        chat, user = update.effective_chat, update.effective_user
    except Exception:  # a hostile update PTB could not make sense of
        return None
    if chat is not None and isinstance(chat.id, int):
        return ("chat", chat.id)
    if user is not None and isinstance(user.id, int):
        return ("user", user.id)
    return None


class UpdateLanes(BaseUpdateProcessor):
    """Per-chat ordered, cross-chat concurrent update handling with a time limit (module doc)."""

    __slots__ = ("_app", "_lanes", "_recovery", "_running", "overran", "timeout")

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, *, running: int = RUNNING) -> None:
        super().__init__(IN_HAND)
        self.timeout = timeout
        self.overran = 0  # updates cancelled for running too long
        self._running = asyncio.Semaphore(max(1, running))
        self._recovery = asyncio.Lock()
        self._lanes: dict[tuple[str, int], asyncio.Lock] = {}
        self._app: SitrepApp | None = None

    def attach(self, app: SitrepApp) -> None:
        """Serve this application (its queue waits while IN_HAND updates are in hand)."""
        self._app = app
        queue = self._queue()
        if queue is not None:
            queue.hand_limit = IN_HAND
            queue.charge_on_get = False

    def _queue(self) -> InboxQueue | None:
        queue = self._app.update_queue if self._app is not None else None
        return queue if isinstance(queue, InboxQueue) else None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run `coroutine` (the update's handling) in its lane, within the time limit."""
        queue = self._queue()
        recovering = queue is not None and queue.taken_over(update)
        key = lane_of(update)
        lane = None
        if key is not None:
            lane = self._lanes.get(key)
            if lane is None:
                lane = self._lanes[key] = asyncio.Lock()
        started = False
        try:
            async with (
                _maybe(lane),
                _maybe(self._recovery if recovering else None),
                self._running,
            ):
                if queue is not None:
                    await queue.begin(update)
                started = True
                try:
                    async with asyncio.timeout(self.timeout):
                        await coroutine
                except TimeoutError:
                    await self._overran(update)
        finally:
            if not started:
                _close(coroutine)
            idle = lane is not None and not lane.locked() and not getattr(lane, "_waiters", None)
            if key is not None and idle:
                self._lanes.pop(key, None)

    async def _overran(self, update: object) -> None:
        """The handling was cancelled: log, set aside, mark done, tell the user."""
        self.overran += 1
        update_id = update.update_id if isinstance(update, Update) else None
        reason = f"handling took longer than {self.timeout:g} s and was cancelled"
        log.warning("update %s: %s", update_id, reason)
        app = self._app
        if app is None or not isinstance(update, Update):
            return
        data = app.bot_data
        await try_set_aside(
            dead_letters_of(data), update.update_id, "timeout", reason, _body(update)
        )
        if data.inbox and data.is_open:
            try:
                await data.services.inbox.done(update.update_id)
            except Exception as exc:
                log.warning("update %s not marked done: %s", update_id, one_line(repr(exc)))
        await self._apologise(app, update)

    async def _apologise(self, app: SitrepApp, update: Update) -> None:
        """Tell the user their request took too long (best effort, within the time limit)."""
        chat = update.effective_chat
        if chat is None or not app.bot_data.is_open:
            return
        try:
            text = app.bot_data.services.renderer.render_macro("access_messages.html", "too_slow")
            async with asyncio.timeout(self.timeout):
                await app.bot.send_message(chat.id, text)
        except Exception as exc:
            log.warning("could not tell chat %s it took too long: %s", chat.id, one_line(repr(exc)))


class _Nothing:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


def _maybe(lock: asyncio.Lock | None) -> asyncio.Lock | _Nothing:
    return lock if lock is not None else _Nothing()


def _close(coroutine: Awaitable[Any]) -> None:
    """A handling never started (cancelled while waiting): close it without a warning."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()


def _body(update: Update) -> str:
    """The update as JSON text for its dead letter."""
    try:
        return json.dumps(update.to_dict(), default=str, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return f"(update {update.update_id} cannot be written as JSON)"

"""Replies within Telegram's limits: every Bot API call the application makes outside the sender
(the direct answers to commands and questions) passes this `BaseRateLimiter`.

- Messages to a chat keep the per-chat limits (one a second, twenty a minute in a group) through
  the sender's own pacer, so a reply and a briefing to the same chat keep them between them, and
  the global rate through the sender's limiter (shared by instances when it is) and its arrival
  window (bot.delivery.arrivals).
- A call answered 429 is retried after Telegram's `retry_after`, up to `max_retries` times and
  `max_wait` seconds in all; it is not dropped.
- Outbox sends pass straight through (the sender paces them and handles their 429s itself).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.delivery.arrivals import ArrivalWindow
from bot.delivery.pacing import ChatPacer
from bot.delivery.ratelimit import RateLimiter
from bot.delivery.transport import OUTBOX_SEND

log = logging.getLogger(__name__)

# Methods that post a message to a chat (Telegram's limits count these).
SENDING = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation",
        "sendVideo", "sendAudio", "sendVoice", "sendVideoNote", "sendSticker", "sendLocation",
        "sendVenue", "sendContact", "sendPoll", "sendDice", "copyMessage", "copyMessages",
        "forwardMessage", "forwardMessages",
    }
)  # fmt: skip

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


def _chat_of(data: dict[str, Any]) -> tuple[int, str] | None:
    """The numeric chat a call posts to and its kind (ids below 0 are groups and channels)."""
    raw = data.get("chat_id")
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None
    try:
        chat = int(raw)
    except ValueError:
        return None  # "@channel"
    return chat, "private" if chat > 0 else "group"


def _seconds(exc: RetryAfter) -> float:
    wait = exc._retry_after  # a timedelta whatever PTB_TIMEDELTA says
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class ReplyLimiter(BaseRateLimiter[None]):
    """Paces the application's own calls and retries them after a 429 (see the module)."""

    def __init__(self, *, max_retries: int = 3, max_wait: float = 120.0) -> None:
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.pacer: ChatPacer | None = None
        self.limiter: RateLimiter | None = None
        self.arrivals: ArrivalWindow | None = None
        self.retried = 0  # calls sent again after a 429

    def attach(
        self,
        pacer: ChatPacer,
        limiter: RateLimiter | None,
        arrivals: ArrivalWindow | None = None,
    ) -> None:
        """Share the sender's per-chat pacer, global limiter and arrival window (once they
        exist)."""
        self.pacer = pacer
        self.limiter = limiter
        self.arrivals = arrivals

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def _pace(self, chat: int, kind: str) -> None:
        pacer = self.pacer
        if pacer is not None:
            while (wait := pacer.wait(chat, kind)) > 0:
                await asyncio.sleep(wait)
        if self.limiter is not None:
            await self.limiter.acquire()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> JSONResult:
        """Pace a message to a chat, make the call, and retry it after a 429."""
        if OUTBOX_SEND.get():
            return await callback(*args, **kwargs)
        target = _chat_of(data) if endpoint in SENDING else None
        waited = 0.0
        attempt = 0
        while True:
            try:
                if target is None or self.pacer is None:
                    result = await self._call(target, callback, args, kwargs)
                else:
                    async with self.pacer.turn(target[0]):
                        result = await self._call(target, callback, args, kwargs)
            except RetryAfter as exc:
                wait = _seconds(exc)
                attempt += 1
                if attempt > self.max_retries or waited + wait > self.max_wait:
                    raise
                log.info("%s met a 429: retrying in %.1f s", endpoint, wait)
                if target is not None and self.pacer is not None:
                    self.pacer.defer(target[0], wait)
                else:
                    await asyncio.sleep(wait)
                waited += wait
                self.retried += 1
                continue
            return result

    async def _call(
        self,
        target: tuple[int, str] | None,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> JSONResult:
        if target is not None:
            await self._pace(*target)
        if target is not None and self.arrivals is not None:
            async with self.arrivals.request():
                result = await callback(*args, **kwargs)
        else:
            result = await callback(*args, **kwargs)
        if target is not None and self.pacer is not None:
            self.pacer.note(*target)
        return result

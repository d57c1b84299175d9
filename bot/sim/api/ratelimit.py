"""Telegram's flood limits in the fake Bot API: per chat, per group per minute, and global."""

from __future__ import annotations

import math

from bot.sim.api.chatmodel import ChatState
from bot.sim.api.errors import ApiError
from bot.sim.api.state import ApiState


class RateLimits(ApiState):
    """Answers 429 with retry_after when a send would break one of Telegram's limits.

    `group_window` (60 s, Telegram's minute) may be shortened on an instance to run the group
    limit on a faster clock in tests; `throttled` counts the 429s answered."""

    group_window: float = 60.0
    throttled: int = 0

    def _chat_wait(self, chat: ChatState, now: float) -> float | None:
        if self.per_chat_interval and chat.last_send is not None:
            wait = chat.last_send + self.per_chat_interval - now
            if wait > 0:
                return wait
        return None

    def _group_wait(self, chat: ChatState, now: float) -> float | None:
        if self.group_per_minute and chat.type != "private":
            while chat.window and chat.window[0] <= now - self.group_window:
                chat.window.popleft()
            if len(chat.window) >= self.group_per_minute:
                return chat.window[0] + self.group_window - now
        return None

    def _global_wait(self, now: float) -> float | None:
        if self.global_rate:
            while self._global_window and self._global_window[0] <= now - 1.0:
                self._global_window.popleft()
            if len(self._global_window) >= max(1, int(self.global_rate)):
                return self._global_window[0] + 1.0 - now
        return None

    def _check_rate(self, chat: ChatState, now: float) -> None:
        found = (self._chat_wait(chat, now), self._group_wait(chat, now), self._global_wait(now))
        waits = [wait for wait in found if wait is not None]
        if waits:
            self.throttled += 1
            retry = max(1, math.ceil(max(waits)))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})

    def _count_send(self, chat: ChatState, now: float) -> None:
        chat.last_send = now
        if chat.type != "private":
            chat.window.append(now)
        self._global_window.append(now)

"""Per-chat pacing: 1 message a second per chat, 20 a minute per group, and chats held behind a
retried message, on the process's monotonic clock; and the sender's slots, taken oldest row first.

One pacer serves the sender and the replies of one process (so a reply and a briefing to the same
chat keep Telegram's per-chat limit between them). Sends by other senders, or by this sender
before a restart, are learned from the outbox (`learn`) and kept apart from this process's own,
so reading them again never counts a send twice. Entries expire: a chat quiet for longer than the
group window is forgotten (memory stays bounded however many chats a long run meets).
"""

from __future__ import annotations

import asyncio
import heapq
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

PRUNE_EVERY = 512  # notes between two sweeps of expired chats


@dataclass(slots=True)
class _Chat:
    next_at: float = 0.0  # the earliest instant of the next send
    own: deque[float] = field(default_factory=deque)  # this process's sends (groups)
    learned: list[float] = field(default_factory=list)  # others' sends (groups), from the outbox
    hold: float = 0.0  # rows wait behind a retried earlier one until then


class ChatPacer:
    """When a chat may be sent to next, from its recent sends (own and learned)."""

    def __init__(
        self,
        monotonic: Callable[[], float],
        *,
        per_chat_interval: float = 1.0,
        group_per_minute: int = 20,
        group_window: float = 60.0,
    ) -> None:
        self.per_chat_interval = per_chat_interval
        self.group_per_minute = group_per_minute
        self.group_window = group_window
        self._monotonic = monotonic
        self._chats: dict[int, _Chat] = {}
        self._notes = 0
        self._turns: dict[int, asyncio.Lock] = {}

    @asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat (the sender's rows and replies to it, one at a time, in order)."""
        lock = self._turns.get(chat_id)
        if lock is None:
            lock = self._turns[chat_id] = asyncio.Lock()
        try:
            async with lock:
                yield
        finally:
            # many chats over a long run: drop a lock nobody holds or waits for
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self._turns.pop(chat_id, None)

    def __len__(self) -> int:
        return len(self._chats)

    def _limits_group(self, chat_type: str) -> bool:
        return chat_type != "private" and self.group_per_minute > 0

    def wait(self, chat_id: int, chat_type: str) -> float:
        """Seconds until `chat_id` may be sent to (0: now)."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return 0.0
        now = self._monotonic()
        wait = chat.next_at - now
        if self._limits_group(chat_type):
            start = now - self.group_window
            while chat.own and chat.own[0] <= start:
                chat.own.popleft()
            recent = sorted([t for t in chat.learned if t > start] + list(chat.own))
            if len(recent) >= self.group_per_minute:
                wait = max(wait, recent[-self.group_per_minute] + self.group_window - now)
        return max(0.0, wait)

    def note(self, chat_id: int, chat_type: str) -> None:
        """A message to `chat_id` went out now (whatever Telegram answered)."""
        now = self._monotonic()
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.next_at = max(chat.next_at, now + self.per_chat_interval)
        if self._limits_group(chat_type):
            chat.own.append(now)
        self._notes += 1
        if self._notes % PRUNE_EVERY == 0:
            self.prune()

    def defer(self, chat_id: int, seconds: float) -> None:
        """Telegram asked to wait `seconds` before the next message to `chat_id`."""
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.next_at = max(chat.next_at, self._monotonic() + seconds)

    def hold(self, chat_id: int, until: float) -> None:
        """Rows to `chat_id` wait behind a retried one until `until` (monotonic)."""
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.hold = max(chat.hold, until)
        chat.next_at = max(chat.next_at, until)

    def held(self, chat_id: int) -> float:
        """Seconds rows to `chat_id` still wait behind a retried one (0: none)."""
        chat = self._chats.get(chat_id)
        return max(0.0, chat.hold - self._monotonic()) if chat is not None else 0.0

    def learn(self, chat_id: int, chat_type: str, ago: Iterable[float]) -> None:
        """Others sent to `chat_id` this many seconds ago (each send, as the outbox has them):
        replaces what was learned of the chat before."""
        now = self._monotonic()
        times = sorted(now - a for a in ago)
        chat = self._chats.get(chat_id)
        if chat is None:
            if not times:
                return
            chat = self._chats[chat_id] = _Chat()
        if times:
            chat.next_at = max(chat.next_at, times[-1] + self.per_chat_interval)
        chat.learned = times if self._limits_group(chat_type) else []

    def prune(self) -> None:
        """Forget chats with nothing left to wait for and no send within the group window."""
        now = self._monotonic()
        start = now - self.group_window
        for chat_id in [
            c
            for c, chat in self._chats.items()
            if chat.next_at <= now
            and chat.hold <= now
            and (not chat.own or chat.own[-1] <= start)
            and (not chat.learned or chat.learned[-1] <= start)
        ]:
            del self._chats[chat_id]


class OrderedSlots:
    """A semaphore whose waiters get in by priority (lowest first), not by arrival: a row that
    waited for its chat's pacing does not queue again behind every row claimed after it."""

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._tick = 0

    async def acquire(self, priority: int) -> None:
        """Take a slot; waits behind waiters of lower priority only."""
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tick += 1
        heapq.heappush(self._waiters, (priority, self._tick, future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # the slot was handed over as the caller was cancelled
            raise

    def release(self) -> None:
        """Give a slot back (to the first waiter still waiting)."""
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)
                return
        self._free += 1

    @asynccontextmanager
    async def slot(self, priority: int) -> AsyncIterator[None]:
        """Hold a slot for the block."""
        await self.acquire(priority)
        try:
            yield
        finally:
            self.release()

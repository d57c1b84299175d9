"""Group commit of the sender's marks: `sending` and `sent` marks that arrive while a commit runs
share the next one."""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

from bot.delivery.outbox import MARK_CHUNK, Outbox

log = logging.getLogger(__name__)


class MarkBatcher:
    """Group commit of the sender's hot path: `sending` and `sent` marks that arrive while a
    commit runs share the next one, so a busy sender pays one transaction per round, not two
    per message. A caller returns only once its mark is committed."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        max_rows: int = MARK_CHUNK,
        attempts: int = 3,
        retry_delay: float = 0.2,
    ) -> None:
        self.outbox = outbox
        self.max_rows = max(1, max_rows)
        self.attempts = max(1, attempts)
        self.retry_delay = retry_delay
        self.commits = 0
        self.instance: str | None = None  # sending marks only on rows this id still holds
        self._sending: dict[int, asyncio.Future[bool]] = {}
        self._sent: dict[int, tuple[int, asyncio.Future[None], int]] = {}
        self._task: asyncio.Task[None] | None = None

    async def sending(self, row_id: int) -> bool:
        """Mark a claimed row sending; False when it is no longer claimed (cancelled)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._sending[row_id] = future
        self._kick()
        return await future

    async def sent(self, row_id: int, message_id: int) -> None:
        """Record that Telegram accepted a row (raises when the commit kept failing)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sent[row_id] = (message_id, future, 0)
        self._kick()
        await future

    def _kick(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while self._sending or self._sent:
            await asyncio.sleep(0)  # callers woken in this same loop pass join the commit
            sending = dict(itertools.islice(self._sending.items(), self.max_rows))
            sent = dict(itertools.islice(self._sent.items(), self.max_rows))
            for row in sending:
                del self._sending[row]
            for row in sent:
                del self._sent[row]
            try:
                marked = await self.outbox.record(
                    list(sending),
                    [(row, mid) for row, (mid, _, _) in sent.items()],
                    instance=self.instance,
                )
            except Exception as exc:  # handed to every waiting caller
                log.warning("committing %d outbox marks failed: %r", len(sending) + len(sent), exc)
                for marking in sending.values():
                    _settle(marking, exc=exc)
                retry = False
                for row, (mid, future, tries) in sent.items():
                    # the message is out: keep trying to record it rather than requeue it
                    if tries + 1 < self.attempts and not future.done():
                        self._sent[row] = (mid, future, tries + 1)
                        retry = True
                    else:
                        _settle(future, exc=exc)
                if retry:
                    await asyncio.sleep(self.retry_delay)
                continue
            self.commits += 1
            for row, marking in sending.items():
                _settle(marking, row in marked)
            for _, recording, _ in sent.values():
                _settle(recording, None)


def _settle(
    future: asyncio.Future[Any], result: Any = None, *, exc: BaseException | None = None
) -> None:
    if future.done():  # its caller was cancelled
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)

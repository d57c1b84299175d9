"""The sender's pipeline: rows are claimed as earlier ones settle (no batch waits for its slowest
send), marks are committed in groups, rows on the wire or sent-but-unrecorded never exceed the
concurrency, a chat's messages keep their order, and a sent message is never put back."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

from bot.delivery.marks import MarkBatcher
from bot.delivery.outbox import Outbox, Outgoing
from bot.delivery.telegram_transport import TelegramTransport
from bot.sim.api import LocalBotApi, LocalRequest
from tests.support.delivery import outbox_rows
from tests.support.sending import fake_api, msg, sends, wired
from tests.support.virtual_time import loop_time, warp

pytestmark = [pytest.mark.serial, pytest.mark.slow]


class SlowChatRequest(LocalRequest):
    """Every call takes `latency` s; calls to `slow_chat` take `slow` s."""

    def __init__(self, api: LocalBotApi, slow_chat: int, slow: float, latency: float) -> None:
        super().__init__(api)
        self.slow_chat = slow_chat
        self.slow = slow
        self.latency = latency

    async def do_request(self, url: str, method: str, *args: Any, **kw: Any) -> tuple[int, bytes]:
        """Wait, then answer from the API."""
        data = args[0] if args else kw.get("request_data")
        params = data.parameters if data is not None else {}
        slow = url.endswith("/sendMessage") and int(params.get("chat_id", 0)) == self.slow_chat
        await asyncio.sleep(self.slow if slow else self.latency)
        return await super().do_request(url, method, *args, **kw)


def test_a_slow_send_does_not_hold_up_later_rows(sqlite_db_url: str) -> None:
    """The old sender waited for a whole claimed batch; now rows keep flowing around a send
    that takes 30 s."""

    async def main() -> None:
        api = fake_api(global_rate=None, per_chat_interval=None)
        request = SlowChatRequest(api, slow_chat=1000, slow=30.0, latency=0.1)
        async with wired(
            sqlite_db_url, api, request, rate=0, concurrency=4, batch=8, per_chat_interval=0.0
        ) as (domain, sender):
            await domain.outbox.enqueue([msg(1000 + n, 0) for n in range(100)])
            started = loop_time()
            await sender.drain()
            rows = await outbox_rows(domain)
        calls = sends(api)
        slow = [c for c in calls if int(c.params["chat_id"]) == 1000]
        others = [c.at - started for c in calls if int(c.params["chat_id"]) != 1000]
        assert [r.state for r in rows] == ["sent"] * 100
        assert len(slow) == 1 and slow[0].at - started >= 30.0
        assert len(others) == 99 and max(others) < 10.0  # 99 rows / 3 free slots × 0.1 s

    warp(main)


class CountingTransport:
    """The real transport; before each send, counts the rows the database has as `sending`."""

    def __init__(self, inner: TelegramTransport, outbox: Outbox) -> None:
        self.inner = inner
        self.outbox = outbox
        self.sending_seen: list[int] = []

    async def send(self, message: Outgoing) -> int:
        """Count, then send."""
        self.sending_seen.append((await self.outbox.counts()).get("sending", 0))
        return await self.inner.send(message)


@pytest.mark.parametrize("concurrency", [1, 4, 16])
def test_rows_marked_sending_never_exceed_the_concurrency(
    sqlite_db_url: str, concurrency: int
) -> None:
    """What a crash could send twice: rows on the wire plus rows sent but not yet recorded."""

    async def main() -> None:
        api = fake_api(global_rate=None, per_chat_interval=None, latency=0.05)
        async with wired(
            sqlite_db_url, api, rate=0, concurrency=concurrency, per_chat_interval=0.0
        ) as (domain, sender):
            counting = CountingTransport(sender.transport, domain.outbox)  # type: ignore[arg-type]
            sender.transport = counting
            await domain.outbox.enqueue([msg(2000 + n % 40, n) for n in range(120)])
            await sender.drain()
            rows = await outbox_rows(domain)
        assert [r.state for r in rows] == ["sent"] * 120
        assert len(counting.sending_seen) == 120
        assert max(counting.sending_seen) <= concurrency
        if concurrency > 1:
            assert max(counting.sending_seen) > 1  # sends did overlap
        # sending and sent marks shared commits (the old sender: two per message)
        assert sender.marks.commits < 2 * 120 or concurrency == 1

    warp(main)


@pytest.mark.parametrize("batch", [1, 3, 50])
def test_each_chat_keeps_its_order_across_claims(sqlite_db_url: str, batch: int) -> None:
    async def main() -> None:
        api = fake_api(global_rate=None, per_chat_interval=1.0)
        async with wired(sqlite_db_url, api, rate=0, concurrency=8, batch=batch) as (d, sender):
            await d.outbox.enqueue([msg(3000 + n % 3, n) for n in range(30)])
            await sender.drain(max_wait=5)
        assert [c for c in sends(api) if not c.ok] == []  # per-chat pacing: no 429
        for chat in range(3000, 3003):
            got = [m["text"] for m in api.sent(chat)]
            assert got == [f"msg {n} to {chat}" for n in range(30) if 3000 + n % 3 == chat]

    warp(main)


class UnrecordableOutbox(Outbox):
    """The real outbox whose group commits fail whenever they carry a `sent` mark."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__(outbox._sessions, outbox._clock)

    async def record(
        self, sending: Sequence[int], sent: Sequence[tuple[int, int]], **kw: Any
    ) -> set[int]:
        """Fail on a sent mark."""
        if sent:
            raise ConnectionError("database went away")
        return await super().record(sending, sent, **kw)


def test_a_sent_message_that_cannot_be_recorded_is_not_requeued(sqlite_db_url: str) -> None:
    async def main() -> None:
        api = fake_api(global_rate=None)
        async with wired(sqlite_db_url, api, rate=0) as (domain, sender):
            sender.marks = MarkBatcher(UnrecordableOutbox(domain.outbox), retry_delay=0.01)
            await domain.outbox.enqueue([msg(4000, 0), msg(4001, 0)])
            await sender.drain(max_wait=60)
            rows = await outbox_rows(domain)
        assert Counter(int(c.params["chat_id"]) for c in sends(api)) == {4000: 1, 4001: 1}
        # left `sending` for recover() after a restart; never put back in the queue
        assert [r.state for r in rows] == ["sending", "sending"]
        assert sender.stats.sent == 2

    warp(main)


def test_stop_releases_claimed_rows_and_finishes_in_flight_ones(sqlite_db_url: str) -> None:
    async def main() -> None:
        api = fake_api(global_rate=None, per_chat_interval=None, latency=0.2)
        async with wired(sqlite_db_url, api, rate=10, concurrency=2, per_chat_interval=0.0) as (
            domain,
            sender,
        ):
            await domain.outbox.enqueue([msg(5000 + n, 0) for n in range(50)])
            stop = asyncio.Event()
            runner = asyncio.create_task(sender.run(stop))
            await asyncio.sleep(1.0)
            stop.set()
            await runner
            rows = await outbox_rows(domain)
        states = Counter(r.state for r in rows)
        delivered = Counter(int(c.params["chat_id"]) for c in sends(api) if c.ok)
        assert set(states) == {"sent", "queued"}  # nothing left claimed or sending
        assert 5 <= states["sent"] <= 15  # about a second at 10/s
        assert states["sent"] == len(delivered) and set(delivered.values()) == {1}

    warp(main)

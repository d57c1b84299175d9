"""Senders as registered instances: a restart under the same name takes its rows back at once,
another instance takes a dead one's rows within seconds (its heartbeat sweep, not only at start),
a sender taken for dead sends none of the rows it lost, a chat is held by one instance at a time,
and a sender that takes over a chat paces it after what was sent before. The in-process Bot API
enforces Telegram's limits; the loop's clock skips idle waits."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from bot.delivery.pacing import ChatPacer
from bot.delivery.ratelimit import LocalRateLimiter
from bot.delivery.sender import Sender
from bot.sim.api import LocalBotApi
from tests.support.delivery import outbox_rows
from tests.support.sending import fake_api, msg, sends, wired
from tests.support.virtual_time import loop_time, warp

pytestmark = [pytest.mark.slow]

GROUP = -100500


async def run_until_sent(sender: Sender, rows: int, limit: float = 120) -> float:
    """Run the sender until `rows` rows are sent; the loop seconds it took."""
    stop = asyncio.Event()
    start = loop_time()
    task = asyncio.create_task(sender.run(stop))
    try:
        while True:
            counts = await sender.outbox.counts()
            if counts.get("sent", 0) >= rows:
                return loop_time() - start
            assert loop_time() - start < limit, counts
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task


def test_a_restart_under_the_same_name_takes_its_rows_back_at_once(sqlite_db_url: str) -> None:
    async def main() -> None:
        api = fake_api()
        async with wired(sqlite_db_url, api, instance="box", dead_after=30.0) as (domain, sender):
            await domain.outbox.enqueue([msg(800 + n, 0) for n in range(20)])
            # the previous run of "box": registered, claimed 12 rows, 3 on the wire; killed
            dead, _ = await sender.registry.register("box", take_over=False)
            claimed = await domain.outbox.claim(dead, 12)
            assert await domain.outbox.record([m.id for m in claimed[:3]], [], instance=dead)
            took = await run_until_sent(sender, 20)
            rows = await outbox_rows(domain)
            registered = await sender.registry.names()
        assert took < 5.0  # not after dead_after (30 s): at once
        assert [r.state for r in rows] == ["sent"] * 20
        assert Counter(int(c.params["chat_id"]) for c in sends(api)) == {
            800 + n: 1 for n in range(20)
        }
        assert registered == []  # the old registration dropped, the new one left at the stop

    warp(main)


def test_another_instance_takes_a_dead_ones_rows_within_seconds(sqlite_db_url: str) -> None:
    async def main() -> None:
        api = fake_api()
        async with wired(sqlite_db_url, api, instance="alive", heartbeat=1.0, dead_after=3.0) as (
            domain,
            sender,
        ):
            stop = asyncio.Event()
            task = asyncio.create_task(sender.run(stop))
            await asyncio.sleep(5.0)  # running: its start-up sweep is long past
            await domain.outbox.enqueue([msg(900 + n, 0) for n in range(10)])
            dead, _ = await sender.registry.register("gone", take_over=False)
            claimed = await domain.outbox.claim(dead, 10)
            assert len(claimed) == 10  # all held by "gone", which now stops beating
            died = loop_time()
            while (await domain.outbox.counts()).get("sent", 0) < 10:
                assert loop_time() - died < 30
                await asyncio.sleep(0.05)
            stop.set()
            await task
        first = min(c.at for c in sends(api))
        assert 3.0 <= first - died <= 3.0 + 2 * 1.0 + 0.5  # dead_after, then the next sweep
        assert len(sends(api)) == 10

    warp(main)


def test_a_sender_taken_for_dead_sends_none_of_the_rows_it_lost(sqlite_db_url: str) -> None:
    async def main() -> None:
        api = fake_api()
        async with wired(sqlite_db_url, api, instance="slow") as (domain, sender):
            await domain.outbox.enqueue([msg(950, 0), msg(951, 0)])
            me, _ = await sender.registry.register("slow", take_over=False)
            claimed = await domain.outbox.claim(me, 2)
            await asyncio.sleep(20)  # stalled past dead_after: nobody heard from it
            other = Sender(domain.outbox, sender.transport, instance="other")
            assert await other.registry.sweep(timedelta(seconds=10)) == 2
            # the stalled sender wakes up: its marks no longer apply, so it sends nothing
            assert await domain.outbox.record([m.id for m in claimed], [], instance=me) == set()
            assert not await other.registry.heartbeat(me)  # and it learns it was taken for dead
            rows = await outbox_rows(domain)
        assert [r.state for r in rows] == ["queued", "queued"]
        assert sends(api) == []

    warp(main)


async def test_a_chat_is_held_by_one_instance_at_a_time(db_url: str) -> None:
    async with wired(db_url, fake_api()) as (domain, _):
        await domain.outbox.enqueue([msg(960, n) for n in range(3)] + [msg(961, 0)])
        first = await domain.outbox.claim("a", 1)
        assert [m.chat_id for m in first] == [960]
        second = await domain.outbox.claim("b", 10)
        assert [m.chat_id for m in second] == [961]  # 960's rows wait for "a"
        more = await domain.outbox.claim("a", 10)
        assert [m.chat_id for m in more] == [960, 960]  # its holder takes the rest
        await domain.outbox.record([m.id for m in first + more], [], instance="a")
        await domain.outbox.record([], [(m.id, 1) for m in first + more])
        await domain.outbox.enqueue([msg(960, 9)])
        assert [m.chat_id for m in await domain.outbox.claim("b", 10)] == [960]  # free again


def test_a_new_sender_paces_a_group_after_what_the_last_one_sent(sqlite_db_url: str) -> None:
    """Twenty messages to a group by one sender, then five by another (a restart under a new
    name, or another instance): the second waits for the group's minute; no 429."""

    async def main() -> None:
        api = fake_api()
        async with wired(sqlite_db_url, api, instance="a") as (domain, first):
            await domain.outbox.enqueue([msg(GROUP, n, chat_type="supergroup") for n in range(20)])
            await first.drain(max_wait=60)
            await domain.outbox.enqueue(
                [msg(GROUP, n, chat_type="supergroup") for n in range(20, 25)]
            )
            second = Sender(
                domain.outbox, first.transport, instance="b", monotonic=loop_time, poll_interval=0.2
            )
            await second.drain(max_wait=120)
        calls = sends(api, GROUP)
        assert [c.status for c in calls] == [200] * 25  # no 429
        assert calls[20].at - calls[0].at >= 60.0

    warp(main)


def test_a_restarted_local_limiter_starts_from_the_last_second() -> None:
    async def main() -> None:
        limiter = LocalRateLimiter(30)
        limiter.seed([0.5 - i / 60 for i in range(30)])  # 30 sends in the last half second
        start = loop_time()
        await limiter.acquire()
        assert loop_time() - start >= 0.49  # the oldest leaves the window first

    warp(main)


def test_the_pacer_forgets_quiet_chats() -> None:
    now = [0.0]
    pacer = ChatPacer(lambda: now[0], per_chat_interval=1.0, group_per_minute=20)
    for chat in range(5000):
        pacer.note(-chat - 1 if chat % 2 else chat + 1, "supergroup" if chat % 2 else "private")
    assert len(pacer) == 5000
    now[0] = 61.0
    pacer.prune()
    assert len(pacer) == 0
    assert pacer.wait(1, "private") == 0.0


def test_the_fake_api_counts_its_429s() -> None:
    api = LocalBotApi(clock=lambda: 0.0)
    assert api.handle("sendMessage", {"chat_id": 5, "text": "a"})[0] == 200
    assert api.handle("sendMessage", {"chat_id": 5, "text": "b"})[0] == 429
    assert api.throttled == 1

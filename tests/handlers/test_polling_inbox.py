"""Long polling through the update inbox, with the real Application and PTB's Updater against
the in-process Bot API: an update's offset is confirmed only once it is stored, a store that
fails leaves it with Telegram, and what a crashed process fetched is handled after a restart."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Update

from bot.config import instance_name
from bot.domain.clock import FixedClock
from bot.sim.api import UpdateFactory
from bot.store.inbox import LEASE, MAX_ATTEMPTS, UpdateInbox
from bot.store.session import create_engine, create_sessionmaker
from bot.telegram.context import SitrepContext
from bot.telegram.intake import inbox as intake_inbox
from bot.telegram.intake import lanes as intake_lanes
from bot.telegram.intake.inbox import InboxQueue
from tests.support.harness import DEFAULT_NOW, db_path_of, inbox_rows, sqlite_execute, until
from tests.support.polling import polling, quiet_api


async def test_a_polled_update_is_stored_handled_and_marked_done(sqlite_db_url: str) -> None:
    api, factory = quiet_api()
    path = db_path_of(sqlite_db_url)
    async with polling(sqlite_db_url, api):
        update = factory.message("/start", user_id=4001)
        api.push_update(update)
        await until(lambda: inbox_rows(path).get(update["update_id"], ("", False))[1])
    assert len(api.sent(4001)) == 1 and "Sitrep" in api.sent(4001)[0]["text"]
    assert inbox_rows(path) == {update["update_id"]: (instance_name(), True)}


@pytest.mark.slow
async def test_an_update_that_cannot_be_stored_stays_with_telegram(sqlite_db_url: str) -> None:
    api, factory = quiet_api()
    path = db_path_of(sqlite_db_url)
    async with polling(sqlite_db_url, api):
        await sqlite_execute(path, "ALTER TABLE update_inbox RENAME TO update_inbox_away")
        update = factory.message("/start", user_id=4002)
        api.push_update(update)

        def fetched() -> int:
            """getUpdates answers that handed this update out."""
            return sum(
                1
                for call in api.calls_to("getUpdates")
                if any(u["update_id"] == update["update_id"] for u in call.result or [])
            )

        try:
            await until(lambda: fetched() >= 2, timeout=10.0)  # fetched, not stored, fetched again
            assert api.sent(4002) == []
            # Not confirmed: no getUpdates asked past its update_id.
            offsets = [c.params.get("offset") or 0 for c in api.calls_to("getUpdates")]
            assert max(offsets) <= update["update_id"]
        finally:
            await sqlite_execute(path, "ALTER TABLE update_inbox_away RENAME TO update_inbox")
        # PTB's polling loop retries (after a backoff of about a second): now it goes through.
        await until(lambda: api.sent(4002), timeout=10.0)
        await until(lambda: inbox_rows(path).get(update["update_id"], ("", False))[1])
    assert len(api.sent(4002)) == 1


async def test_updates_a_crashed_poller_fetched_are_handled_after_a_restart(
    sqlite_db_url: str,
) -> None:
    """The dead process had stored them (so Telegram considers them delivered) but not handled
    them: this process's name takes its own at start-up, a dead instance's once its lease ran
    out; a live instance's are left to it."""
    api, factory = quiet_api()
    users = {"mine": 4011, "dead": 4012, "live": 4013}
    updates = {who: factory.message("/start", user_id=u) for who, u in users.items()}
    engine = create_engine(sqlite_db_url)
    try:
        sessions = create_sessionmaker(engine)
        owners = {
            "mine": (instance_name(), FixedClock(DEFAULT_NOW)),
            "dead": ("gone-host:7", FixedClock(DEFAULT_NOW - LEASE * 2)),
            "live": ("other-host:9", FixedClock(DEFAULT_NOW)),
        }
        for who, (name, clock) in owners.items():
            inbox = UpdateInbox(sessions, clock, name)
            assert await inbox.accept(updates[who]["update_id"], updates[who]) is True
    finally:
        await engine.dispose()
    path = db_path_of(sqlite_db_url)
    later = factory.message("/start", user_id=4014)
    async with polling(sqlite_db_url, api):
        await until(lambda: api.sent(users["mine"]) and api.sent(users["dead"]))
        # A later update, polled after the start-up requeue and handled in order after it: once
        # it is answered, whatever start-up queued has been handled.
        api.push_update(later)
        await until(lambda: api.sent(4014))
    assert {who: len(api.sent(u)) for who, u in users.items()} == {"mine": 1, "dead": 1, "live": 0}
    rows = inbox_rows(path)
    assert rows.pop(later["update_id"]) == (instance_name(), True)
    assert rows == {
        updates["mine"]["update_id"]: (instance_name(), True),
        updates["dead"]["update_id"]: (instance_name(), True),
        updates["live"]["update_id"]: ("other-host:9", False),
    }


async def test_only_the_update_being_handled_is_charged_for_a_crash(sqlite_db_url: str) -> None:
    """A process dies while handling a poison update, with an innocent one queued behind it, again
    and again: the poison is given up (a dead letter) after MAX_ATTEMPTS; the innocent one, never
    started, is not, and is handled once the poison is out of the way."""
    engine = create_engine(sqlite_db_url)
    try:
        clock = FixedClock(DEFAULT_NOW)
        inbox = UpdateInbox(create_sessionmaker(engine), clock, "host:1")
        factory = UpdateFactory()
        poison, innocent = (factory.message(t, user_id=4021) for t in ("/die", "/start"))
        for update in (poison, innocent):
            assert await inbox.accept(update["update_id"], update)  # both fetched, then death
        for _ in range(MAX_ATTEMPTS - 1):  # a restart takes both; handling the first kills it
            queue = InboxQueue()
            queue.attempts = inbox
            for item in await inbox.reclaim(mine=True, charge=False):
                stored = Update.de_json(item.body, None)
                assert stored is not None
                await queue.put_stored(stored)
            taken = await queue.get()
            assert isinstance(taken, Update) and taken.update_id == poison["update_id"]
        again = await inbox.reclaim(mine=True, charge=False)
        assert [i.update_id for i in again] == [innocent["update_id"]]
        [letter] = await inbox.dead_letters.recent()
        assert (letter.update_id, letter.reason) == (
            poison["update_id"],
            f"given up after {MAX_ATTEMPTS} attempts",
        )
    finally:
        await engine.dispose()


async def test_a_full_queue_holds_polling_back_and_telegram_keeps_the_rest(
    sqlite_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handling falls behind (a slow handler): at most MAX_QUEUED updates wait in memory (and
    IN_HAND taken off the queue), the offset is not confirmed past what was stored, and once
    handling resumes every update is handled once."""
    monkeypatch.setattr(intake_inbox, "MAX_QUEUED", 5)
    monkeypatch.setattr(intake_lanes, "IN_HAND", 3)
    api, factory = quiet_api()
    release = asyncio.Event()
    seen: list[int] = []

    async def slow(update: Update, context: SitrepContext) -> None:
        seen.append(update.update_id)
        await release.wait()

    updates = [factory.message("/start", user_id=4031 + n) for n in range(30)]
    async with polling(sqlite_db_url, api, slow) as app:
        for update in updates:
            api.push_update(update)
        await until(lambda: app.update_queue.qsize() == 5 and len(seen) == 3)
        # Fetched in one answer: the offset that confirms them is never asked for while the
        # queue is full (the updater waits to queue the rest).
        fetched = len(api.calls_to("getUpdates"))
        assert app.update_queue.qsize() == 5
        offsets = [c.params.get("offset") or 0 for c in api.calls_to("getUpdates")]
        assert max(offsets) <= updates[0]["update_id"]
        release.set()
        await until(lambda: len(api.sent(4031 + 29)) == 1, timeout=10)
        assert len(api.calls_to("getUpdates")) > fetched
    assert sorted(seen) == [u["update_id"] for u in updates]  # (users side by side)
    assert all(len(api.sent(4031 + n)) == 1 for n in range(30))

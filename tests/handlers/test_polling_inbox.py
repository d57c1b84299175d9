"""Long polling through the update inbox, with the real Application and PTB's Updater against
the in-process Bot API: an update's offset is confirmed only once it is stored, a store that
fails leaves it with Telegram, and what a crashed process fetched is handled after a restart."""

from __future__ import annotations

import pytest

from bot.config import instance_name
from bot.domain.clock import FixedClock
from bot.store.inbox import LEASE, UpdateInbox
from bot.store.session import create_engine, create_sessionmaker
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

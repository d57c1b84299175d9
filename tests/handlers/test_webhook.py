"""Webhook mode over real loopback HTTP: secret token, health, graceful stop, nothing lost."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest

from bot.config import instance_name
from bot.domain.clock import FixedClock
from bot.domain.messages import NewMessage
from bot.sim.api import LocalBotApi, LocalRequest
from bot.telegram.app import build_application
from bot.telegram.intake.runner import serve_background
from bot.telegram.intake.webhook import HEALTH_PATH, SECRET_HEADER
from tests.support.harness import (
    DEFAULT_NOW,
    USER_ID,
    inbox_rows,
    sqlite_execute,
    until,
)
from tests.support.harness import test_settings as make_settings
from tests.support.webhook import PUBLIC_URL, SECRET, barrier, replies_to, served

# Each test starts a webhook server or a polling loop: the full suite runs them, not the fast tier.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("headers", "status", "processed"),
    [
        ({SECRET_HEADER: SECRET}, 200, True),
        ({}, 403, False),
        ({SECRET_HEADER: "wrong"}, 403, False),
        ({SECRET_HEADER: SECRET + "x"}, 403, False),
        ({SECRET_HEADER: ""}, 403, False),
    ],
)
async def test_secret_token_decides_whether_an_update_is_processed(
    sqlite_db_url: str, headers: dict[str, str], status: int, processed: bool
) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        update = s.factory.message("/start", user_id=USER_ID)
        response = await client.post(s.hook, json=update, headers=headers)
        assert response.status_code == status
        # Let the application work through its queue before looking.
        await barrier(s, client)
        sent = replies_to(s.api, USER_ID)
    if processed:
        assert len(sent) == 1 and "Sitrep" in sent[0]["text"]
    else:
        assert sent == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[1, 2, 3]", 400),
        (b'{"no_update_id": true}', 400),
    ],
)
async def test_unreadable_bodies_are_refused(sqlite_db_url: str, body: bytes, status: int) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        response = await client.post(
            s.hook,
            content=body,
            headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        )
        assert response.status_code == status
        assert response.json()["ok"] is False


async def test_start_up_registers_the_webhook_and_keeps_pending_updates(
    sqlite_db_url: str,
) -> None:
    async with served(sqlite_db_url) as s:
        [call] = s.api.calls_to("setWebhook")
        assert s.api.webhook_url == PUBLIC_URL
    assert call.params["url"] == PUBLIC_URL
    assert call.params["secret_token"] == SECRET
    assert call.params["drop_pending_updates"] is False
    assert "message" in call.params["allowed_updates"]
    # Not deleted on shutdown: Telegram keeps queueing updates while Sitrep restarts.
    assert s.api.calls_to("deleteWebhook") == []
    assert s.api.webhook_url == PUBLIC_URL


@pytest.mark.parametrize("queued", [0, 3])
async def test_healthz_reports_database_and_outbox(sqlite_db_url: str, queued: int) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        outbox = s.app.bot_data.services.outbox
        await outbox.enqueue(
            [
                NewMessage(kind="push", dedupe_key=f"h{i}", chat_id=5000 + i, text="x")
                for i in range(queued)
            ]
        )
        response = await client.get(s.base + HEALTH_PATH)
        head = await client.head(s.base + HEALTH_PATH)
    assert response.status_code == 200
    assert head.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["db"] == "ok"
    assert body["outbox_pending"] == queued
    assert body["inbox_pending"] == 0
    assert body["update_queue"] == 0


async def test_healthz_is_503_when_the_database_is_unreachable(sqlite_db_url: str) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        services = s.app.bot_data.services
        await services.engine.dispose()
        hidden = s.db_path.parent.with_name(s.db_path.parent.name + "-gone")
        s.db_path.parent.rename(hidden)
        try:
            response = await client.get(s.base + HEALTH_PATH)
        finally:
            hidden.rename(s.db_path.parent)
        healthy_again = await client.get(s.base + HEALTH_PATH)
    assert response.status_code == 503
    assert response.json()["db"] == "error"
    assert healthy_again.status_code == 200


async def test_wrong_method_and_path(sqlite_db_url: str) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        get_hook = await client.get(s.hook)
        other = await client.post(s.base + "/elsewhere", json={}, headers={SECRET_HEADER: SECRET})
    assert get_hook.status_code == 405
    assert other.status_code == 404


async def test_every_acknowledged_update_is_processed_even_when_stopping_at_once(
    sqlite_db_url: str,
) -> None:
    users = list(range(2001, 2013))
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        updates = [s.factory.message("/start", user_id=u) for u in users]
        responses = await asyncio.gather(
            *(client.post(s.hook, json=u, headers={SECRET_HEADER: SECRET}) for u in updates)
        )
        assert [r.status_code for r in responses] == [200] * len(users)
        hook = s.hook
        # Leave at once: some updates are still queued; stopping must process them.
    assert {u: len(replies_to(s.api, u)) for u in users} == {u: 1 for u in users}
    # After the stop nothing is acknowledged: Telegram keeps the update and sends it again.
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.post(hook, json=updates[0], headers={SECRET_HEADER: SECRET})


@pytest.mark.slow
async def test_graceful_stop_finishes_a_send_in_flight(sqlite_db_url: str) -> None:
    async with served(sqlite_db_url, background=True, latency=0.6) as s:
        await s.app.bot_data.services.outbox.enqueue(
            [NewMessage(kind="push", dedupe_key="inflight", chat_id=USER_ID, text="in flight")]
        )
        for _ in range(100):
            state = _state(s.db_path, "inflight")
            if state == "sending":
                break
            await asyncio.sleep(0.05)
        assert state == "sending"
    assert _state(s.db_path, "inflight") == "sent"
    assert [m["text"] for m in replies_to(s.api, USER_ID)] == ["in flight"]


def _state(path: Path, key: str) -> str | None:
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT state FROM outbox WHERE dedupe_key = ?", (key,)).fetchone()
    finally:
        con.close()
    return None if row is None else str(row[0])


async def test_an_instance_without_updates_still_ticks_and_sends(sqlite_db_url: str) -> None:
    api = LocalBotApi(global_rate=None, per_chat_interval=None, group_per_minute=None)
    settings = make_settings(sqlite_db_url)
    app = build_application(settings, clock=FixedClock(DEFAULT_NOW), request=LocalRequest(api))
    app.bot_data.background = True
    stop = asyncio.Event()
    task = asyncio.create_task(serve_background(app, stop))
    for _ in range(100):
        if app.bot_data.is_open and app.running:
            break
        await asyncio.sleep(0.05)
    await app.bot_data.services.outbox.enqueue(
        [NewMessage(kind="push", dedupe_key="bg", chat_id=USER_ID, text="from a sender")]
    )
    for _ in range(100):
        if replies_to(api, USER_ID):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert [m["text"] for m in replies_to(api, USER_ID)] == ["from a sender"]
    assert api.calls_to("getUpdates") == [] and api.calls_to("setWebhook") == []
    assert not app.running and not app.bot_data.is_open


async def test_an_update_telegram_sends_again_is_processed_once(sqlite_db_url: str) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        update = s.factory.message("/start", user_id=USER_ID)
        first = await client.post(s.hook, json=update, headers={SECRET_HEADER: SECRET})
        await until(lambda: inbox_rows(s.db_path).get(update["update_id"], ("", False))[1])
        # Telegram did not see the 200 (a timeout on its side) and sends the update again.
        again = await client.post(s.hook, json=update, headers={SECRET_HEADER: SECRET})
        later_id = await barrier(s, client)
        sent = replies_to(s.api, USER_ID)
    assert (first.status_code, again.status_code) == (200, 200)
    assert len(sent) == 1 and "Sitrep" in sent[0]["text"]
    rows = inbox_rows(s.db_path)
    assert rows.pop(later_id) == (instance_name(), True)
    assert rows == {update["update_id"]: (instance_name(), True)}


async def test_an_update_that_cannot_be_stored_is_not_acknowledged(sqlite_db_url: str) -> None:
    async with served(sqlite_db_url) as s, httpx.AsyncClient() as client:
        await sqlite_execute(s.db_path, "ALTER TABLE update_inbox RENAME TO update_inbox_away")
        update = s.factory.message("/start", user_id=USER_ID)
        try:
            refused = await client.post(s.hook, json=update, headers={SECRET_HEADER: SECRET})
        finally:
            await sqlite_execute(s.db_path, "ALTER TABLE update_inbox_away RENAME TO update_inbox")
        await barrier(s, client)
        assert replies_to(s.api, USER_ID) == []
        # Telegram sends it again, and now it goes through.
        accepted = await client.post(s.hook, json=update, headers={SECRET_HEADER: SECRET})
        await until(lambda: replies_to(s.api, USER_ID))
    assert (refused.status_code, accepted.status_code) == (503, 200)
    assert refused.json() == {"ok": False, "error": "cannot store the update"}
    assert len(replies_to(s.api, USER_ID)) == 1

"""SIGKILL the sender process mid-broadcast and start it again: every row is sent, and only the
rows in flight at the kill (at most the sender's concurrency) may reach Telegram twice.

"Telegram" is an HTTP server in this test process (a LocalBotApi behind http.server), so what
it received is counted outside the process that is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from bot.bootstrap import Services
from bot.domain.clock import FixedClock
from bot.domain.messages import NewMessage
from bot.sim.api import LocalBotApi, parse_html
from tests.support.delivery import domain_at, outbox_rows

pytestmark = [pytest.mark.serial, pytest.mark.subprocess, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ROWS = 400
CONCURRENCY = 8


class FakeTelegram:
    """A LocalBotApi served over HTTP on 127.0.0.1, one call at a time, with a little latency."""

    def __init__(self, latency: float = 0.004) -> None:
        self.api = LocalBotApi(global_rate=None, per_chat_interval=None, group_per_minute=None)
        self.lock = threading.Lock()
        self.latency = latency
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or "{}")
                else:
                    params = dict(parse_qsl(body))
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                time.sleep(owner.latency)
                with owner.lock:
                    status, answer = owner.api.handle(method, params)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def received(self) -> Counter[tuple[int, str]]:
        """How many times each (chat, text) was accepted."""
        with self.lock:
            return Counter((m["chat"]["id"], m["text"]) for m in self.api.sent())


@contextmanager
def serving() -> Iterator[FakeTelegram]:
    """Run the fake Telegram in a thread."""
    fake = FakeTelegram()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def start_sender(url: str, base_url: str, *extra: str) -> subprocess.Popen[str]:
    """The sender in its own process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.kill_sender",
            url,
            base_url,
            "--concurrency",
            str(CONCURRENCY),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def enqueue_alerts(domain: Services) -> None:
    """ROWS alerts to 200 chats, in one batch."""
    await domain.outbox.enqueue(
        [
            NewMessage(
                kind="push",
                dedupe_key=f"push:1:{i}",
                chat_id=5000 + i % 200,
                text=f"Alert {i}: <b>Islam Qala</b> crossing closed",
                batch="push:1",
            )
            for i in range(ROWS)
        ]
    )


def wait_for_progress(fake: FakeTelegram, sender: subprocess.Popen[str]) -> None:
    """Until a quarter of the rows reached Telegram, the sender still running."""
    deadline = time.monotonic() + 30
    while sum(fake.received().values()) < ROWS // 4:
        assert sender.poll() is None, sender.communicate()
        assert time.monotonic() < deadline, "the sender made no progress"
        time.sleep(0.002)


def kill(sender: subprocess.Popen[str]) -> None:
    """SIGKILL the sender, wait for it and close its pipes."""
    sender.send_signal(signal.SIGKILL)
    sender.wait(10)
    assert sender.returncode == -signal.SIGKILL
    for pipe in (sender.stdout, sender.stderr):
        assert pipe is not None
        pipe.close()


async def outbox_at_kill(domain: Services) -> tuple[Counter[str], set[tuple[int, str]]]:
    """Rows per state, and the (chat, text) of the rows in flight (state sending)."""
    states = Counter(r.state for r in await outbox_rows(domain))
    in_flight = {
        (r.chat_id, parse_html(r.text)[0])
        for r in await outbox_rows(domain)
        if r.state == "sending"
    }
    return states, in_flight


async def test_kill_mid_broadcast_and_restart(db_url: str) -> None:
    now = datetime.now(UTC)
    async with domain_at(db_url, now, clock=FixedClock(now)) as (domain, _):
        await enqueue_alerts(domain)
        with serving() as fake:
            first = start_sender(db_url, fake.base_url)
            wait_for_progress(fake, first)
            kill(first)
            time.sleep(0.1)  # requests the dead process had sent are answered meanwhile
            at_kill = fake.received()
            states, in_flight = await outbox_at_kill(domain)
            assert 0 < sum(at_kill.values()) < ROWS  # killed mid-broadcast
            assert states["sending"] <= CONCURRENCY

            # a restart later than the recovery age: rows the dead sender held are requeued
            second = start_sender(db_url, fake.base_url, "--clock-offset", "600")
            out, err = second.communicate(timeout=60)
            assert second.returncode == 0, err
            assert "done" in out
            received = fake.received()
        rows = await outbox_rows(domain)
    assert [r.state for r in rows] == ["sent"] * ROWS
    expected = {(5000 + i % 200, f"Alert {i}: Islam Qala crossing closed") for i in range(ROWS)}
    assert set(received) == expected  # every row reached Telegram
    twice = {key for key, n in received.items() if n > 1}
    assert all(n <= 2 for n in received.values())
    assert len(twice) <= CONCURRENCY
    assert twice <= in_flight  # only rows in flight at the kill were sent again

"""A LocalBotApi served over HTTP on 127.0.0.1 (a thread of the test process), so what "Telegram"
received and answered is counted outside the sender processes a test kills."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.sim.api import LocalBotApi


class _QuietServer(ThreadingHTTPServer):
    """No traceback when a killed client's connection is reset."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet."""


class FakeTelegram:
    """The fake Bot API behind an HTTP server, one call at a time, with a little latency."""

    def __init__(self, latency: float = 0.004, **limits: Any) -> None:
        self.api = LocalBotApi(**limits)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)  # notified after every answer
        self.latency = latency
        self.active = 0  # requests being answered
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: a sender reuses its connections

            def do_POST(self) -> None:
                with owner.lock:
                    owner.active += 1
                try:
                    self._answer()
                finally:
                    with owner.lock:
                        owner.active -= 1

            def _answer(self) -> None:
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
                    owner.changed.notify_all()
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def settle(self, timeout: float = 2.0) -> None:
        """Until no request is being answered (what a killed sender had sent has landed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if not self.active:
                    return
            time.sleep(0.001)

    def received(self) -> Counter[tuple[int, str]]:
        """How many times each (chat, text) was accepted."""
        with self.lock:
            return Counter((m["chat"]["id"], m["text"]) for m in self.api.sent())

    def wait_accepted(self, count: int, timeout: float) -> bool:
        """Until `count` messages were accepted (False: not within `timeout` s)."""
        with self.changed:
            return self.changed.wait_for(lambda: len(self.api._sent) >= count, timeout)

    def accepted(self) -> int:
        """Messages accepted so far."""
        with self.lock:
            return len(self.api._sent)

    def send_times(self) -> list[float]:
        """When each accepted sendMessage was answered (the API's clock), in order."""
        with self.lock:
            return [c.at for c in self.api.calls if c.method == "sendMessage" and c.ok]

    def throttled(self) -> int:
        """sendMessage calls answered 429."""
        with self.lock:
            return sum(1 for c in self.api.calls if c.method == "sendMessage" and c.status == 429)


@contextmanager
def serving(latency: float = 0.004, **limits: Any) -> Iterator[FakeTelegram]:
    """Run a fake Telegram in a thread."""
    fake = FakeTelegram(latency, **limits)
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()

"""The offline Bot API served over HTTP on 127.0.0.1, for a bot running as a child process (the
start-up bench, subprocess tests): getUpdates long-polls (it answers as soon as an update is
queued, or after its timeout); callers queue updates, however malformed, and read what the bot
sent."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.sim.api.server import LocalBotApi

MAX_WAIT = 1.0  # longest a getUpdates waits here (the bot asks again at once)


class ServedBotApi:
    """A LocalBotApi behind an HTTP server, one call at a time."""

    def __init__(self) -> None:
        self.api = LocalBotApi(global_rate=None, per_chat_interval=None, group_per_minute=None)
        self.changed = threading.Condition()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(body or "{}")
                else:
                    params = {k: _form_value(v) for k, v in parse_qsl(body)}
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                status, answer = owner.call(method, params)
                payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped while its getUpdates waited

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one call; an empty getUpdates waits for an update up to its timeout."""
        wait = min(float(params.get("timeout") or 0), MAX_WAIT)
        deadline = time.monotonic() + wait
        with self.changed:
            while True:
                status, answer = self.api.handle(method, params)
                self.changed.notify_all()
                empty = method.lower() == "getupdates" and status == 200 and not answer["result"]
                left = deadline - time.monotonic()
                if not empty or left <= 0:
                    return status, answer
                self.changed.wait(left)

    def push(self, update: dict[str, Any], *, raw: bool = False) -> None:
        """Queue an update for getUpdates (`raw`: as it is, however malformed)."""
        with self.changed:
            if raw:
                self.api._updates.append(update)
                self.api._last_update_id = max(self.api._last_update_id, update["update_id"])
            else:
                self.api.push_update(update)
            self.changed.notify_all()

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """What the bot sent to a chat."""
        with self.changed:
            return list(self.api.sent(chat_id))

    def wait_for_reply(self, chat_id: int, timeout: float) -> float | None:
        """perf_counter() when a message to `chat_id` is first seen; None after `timeout`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not self.api.sent(chat_id):
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)
            return time.perf_counter()

    def polled(self) -> int:
        """How many getUpdates calls were answered."""
        with self.changed:
            return len(self.api.calls_to("getUpdates"))


def _form_value(value: str) -> Any:
    """A form field as PTB encodes it: lists, objects and booleans as JSON text."""
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@contextmanager
def serving() -> Iterator[ServedBotApi]:
    """Serve a fresh Bot API in a thread for the block."""
    served = ServedBotApi()
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        served.server.shutdown()
        served.server.server_close()

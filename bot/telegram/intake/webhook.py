"""Webhook mode: a small tornado server that checks Telegram's secret token, queues updates and
answers health checks; the application runs its own lifecycle around it.

Why not PTB's ``run_webhook``: it cannot serve ``/healthz``. This follows PTB's
``customwebhookbot`` example (the Updater is left idle; updates go straight onto
``application.update_queue``) with tornado, which PTB's ``webhooks`` extra already installs.

No update is lost across a restart or a crash: an update is answered 200 only once it is stored
in the update inbox and on the update queue (``bot.telegram.intake.inbox``). A graceful stop closes
the listener first, then ``Application.stop()`` processes every queued update; after a crash,
what the dead process had not finished is handled again. An update Telegram sends again is not
handled twice. Anything Telegram did not get a 200 for, it delivers again (the webhook is set
with ``drop_pending_updates=False`` and never deleted on shutdown).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import Update

from bot.bootstrap import check_database
from bot.config import Settings
from bot.telegram.context import SitrepApp
from bot.telegram.intake.deadletter import dead_letters_of, try_set_aside
from bot.telegram.intake.parse import MAX_BODY_BYTES, Refused, read_update

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
HEALTH_TIMEOUT = 5.0
# A larger body is read to the end and dropped so that it can be answered 413 (closing the
# connection while the client still sends loses the answer); past this tornado drops it (400).
MAX_READ_BYTES = 8 * MAX_BODY_BYTES
HEAD_BYTES = 64 * 1024

HealthProbe = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class WebhookConfig:
    """Where the webhook listens and what Telegram is told about it."""

    url: str
    secret: str
    host: str
    port: int
    health_path: str = HEALTH_PATH

    @property
    def path(self) -> str:
        """The URL path updates are POSTed to (that of the public webhook URL)."""
        return urlparse(self.url).path or "/"

    @classmethod
    def from_settings(
        cls, settings: Settings, *, host: str | None = None, port: int | None = None
    ) -> WebhookConfig:
        """WEBHOOK_URL, WEBHOOK_SECRET and WEBHOOK_LISTEN (host/port may be overridden)."""
        if not settings.webhook_url or settings.webhook_secret is None:
            raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
        listen_host, listen_port = settings.listen_host_port
        return cls(
            url=settings.webhook_url,
            secret=settings.webhook_secret.get_secret_value(),
            host=listen_host if host is None else host,
            port=listen_port if port is None else port,
        )


async def database_health(app: SitrepApp) -> dict[str, Any]:
    """`SELECT 1` and the outbox backlog; raises when the database cannot be reached."""
    services = app.bot_data.services
    pending = await services.health.outbox_pending()
    inbox = await services.inbox.pending()
    return {"db": "ok", "outbox_pending": pending, "inbox_pending": inbox}


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """POST <path>: check the secret, parse the update, put it on the application's queue."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, app: SitrepApp, secret: str) -> None:
        self.app = app
        self.secret = secret.encode()
        self._chunks: list[bytes] = []
        self._size = 0
        self._head = b""  # the first bytes of an oversize body, kept for its dead letter

    def data_received(self, chunk: bytes) -> None:
        """Keep the body up to MAX_BODY_BYTES; of a larger one only its head and its size."""
        self._size += len(chunk)
        if self._size <= MAX_BODY_BYTES:
            self._chunks.append(chunk)
        elif self._chunks:
            self._head = b"".join(self._chunks)[:HEAD_BYTES]
            self._chunks.clear()

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    async def post(self) -> None:
        """Answer 200 only once the update is queued, so Telegram re-sends anything else."""
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook: wrong or missing secret token from %s", self.request.remote_ip)
            self._answer(403, {"ok": False, "error": "forbidden"})
            return
        if not self.app.running:
            self._answer(503, {"ok": False, "error": "stopping"})
            return
        try:
            body = b"".join(self._chunks)
            content_type = self.request.headers.get("Content-Type", "")
            update = read_update(body, self._size, content_type, self.app.bot)
        except Refused as refused:
            # Set aside (one log line), then answered 4xx: it will never be an update.
            reason = f"{refused.status} {refused.reason}"
            kept = body or self._head
            store = dead_letters_of(self.app.bot_data)
            await try_set_aside(store, refused.update_id, "webhook", reason, kept)
            self._answer(refused.status, {"ok": False, "error": refused.error})
            return
        try:
            # Stored in the inbox, then queued (one stored before: Telegram sent it again).
            await self.app.update_queue.put(update)
        except Exception:
            # Not stored, not answered 200: Telegram sends it again.
            self._answer(503, {"ok": False, "error": "cannot store the update"})
            return
        self._answer(200, {"ok": True})


class _HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: 200 with the database state and queue lengths, 503 when it is unreachable."""

    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, app: SitrepApp, probe: HealthProbe) -> None:
        self.app = app
        self.probe = probe

    async def get(self) -> None:
        """Probe the database within HEALTH_TIMEOUT seconds."""
        body: dict[str, Any] = {"update_queue": self.app.update_queue.qsize()}
        try:
            body |= await asyncio.wait_for(self.probe(), HEALTH_TIMEOUT)
        except Exception as exc:
            log.warning("health check failed: %r", exc)
            body |= {"status": "unavailable", "db": "error", "error": type(exc).__name__}
            self.set_status(503)
        else:
            body["status"] = "ok" if self.app.running else "stopping"
            if not self.app.running:
                self.set_status(503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))

    async def head(self) -> None:
        """Same as GET (some probes use HEAD)."""
        await self.get()


class WebhookServer:
    """The HTTP side of webhook mode: the update path and the health path on one socket."""

    def __init__(
        self, app: SitrepApp, config: WebhookConfig, probe: HealthProbe | None = None
    ) -> None:
        self.app = app
        self.config = config
        self.probe = probe or (lambda: database_health(app))
        self._server: tornado.httpserver.HTTPServer | None = None
        self.port: int | None = None

    def web_application(self) -> tornado.web.Application:
        """The tornado routes."""
        return tornado.web.Application(
            [
                (self.config.path, _UpdateHandler, {"app": self.app, "secret": self.config.secret}),
                (self.config.health_path, _HealthHandler, {"app": self.app, "probe": self.probe}),
            ],
            log_function=_log_request,
        )

    async def start(self) -> int:
        """Listen on host:port (port 0 picks a free one); returns the bound port."""
        sockets = tornado.netutil.bind_sockets(self.config.port, self.config.host)
        self._server = tornado.httpserver.HTTPServer(
            self.web_application(), max_body_size=MAX_READ_BYTES, xheaders=True
        )
        self._server.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        log.info("webhook listening on %s:%s%s", self.config.host, self.port, self.config.path)
        return self.port

    async def stop(self) -> None:
        """Stop accepting connections; wait for requests in progress to finish."""
        if self._server is None:
            return
        self._server.stop()
        await self._server.close_all_connections()
        self._server = None


def _log_request(handler: tornado.web.RequestHandler) -> None:
    status = handler.get_status()
    if status >= 500 or (status >= 400 and status != 403):
        log.warning("%s %s -> %s", handler.request.method, handler.request.path, status)
    else:
        log.debug("%s %s -> %s", handler.request.method, handler.request.path, status)


@asynccontextmanager
async def webhook_running(
    app: SitrepApp, config: WebhookConfig, *, probe: HealthProbe | None = None
) -> AsyncIterator[WebhookServer]:
    """Run the application in webhook mode for the duration of the block, then stop gracefully.

    Order (as PTB's run_webhook): initialize, post_init, setWebhook, start, listen; on exit stop
    listening, Application.stop (queued updates are processed), post_stop (in-flight sends
    finish), shutdown, post_shutdown.
    """
    from bot.telegram.app import post_init, post_shutdown, post_stop

    app.bot_data.inbox = True  # every update is stored before it is answered 200
    await app.initialize()
    server = WebhookServer(app, config, probe)
    try:
        await post_init(app)
        await app.bot.set_webhook(
            url=config.url,
            secret_token=config.secret,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            max_connections=40,
        )
        await app.start()
        try:
            await server.start()
            yield server
        finally:
            await server.stop()
            await app.stop()
            await post_stop(app)
    finally:
        await app.shutdown()
        await post_shutdown(app)


async def serve_webhook(app: SitrepApp, config: WebhookConfig, stop: asyncio.Event) -> None:
    """Serve until `stop` is set (the runner sets it on SIGTERM/SIGINT)."""
    async with webhook_running(app, config):
        await stop.wait()
        log.info("stopping: finishing queued updates and in-flight sends")


def healthcheck(settings: Settings, *, timeout: float = 5.0) -> int:
    """Exit status for a container health check: GET /healthz in webhook mode; without a webhook
    (polling) only whether the database answers."""
    if settings.webhook_url:
        import httpx

        host, port = settings.listen_host_port
        host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        try:
            response = httpx.get(f"http://{host}:{port}{HEALTH_PATH}", timeout=timeout)
        except httpx.HTTPError as exc:
            print(f"unhealthy: {exc}", file=sys.stderr)
            return 1
        print(response.text)
        return 0 if response.status_code == 200 else 1
    return asyncio.run(_database_answers(settings.database_url, timeout))


async def _database_answers(url: str, timeout: float) -> int:
    problem = await check_database(url, timeout)
    if problem is not None:
        print(f"unhealthy: database: {problem!r}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    """`python -m bot.telegram.intake.webhook`: the container health check (deploy/Dockerfile)."""
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    return healthcheck(settings)


if __name__ == "__main__":
    raise SystemExit(main())

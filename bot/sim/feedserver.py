"""A local HTTP server for feeds, on loopback only: the tests' and the bench's stand-in for the
web. Each path has a `Route` saying what to answer: a body (optionally gzipped), a status, an
ETag honoured with 304, a redirect, a delay, failures before success, or an endless body.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str = ""  # answered 304 when the request's If-None-Match matches
    gzip: bool = False
    redirect: str = ""  # answered 302 to this location
    delay: float = 0.0  # seconds before answering
    fail_first: int = 0  # this many 500s before the real answer
    endless: bool = False  # a body that never ends (until the client hangs up)
    headers: dict[str, str] = field(default_factory=dict)
    hit: threading.Event = field(default_factory=threading.Event)  # set on the first request


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """Answer as the path's route says."""
        owner = self.server.owner
        path = self.path
        with owner.lock:
            owner.hits[path] += 1
            count = owner.hits[path]
            route = owner.routes.get(path)
        if route is None:
            self._send(404, b"not found", "text/plain")
            return
        route.hit.set()
        if route.delay:
            time.sleep(route.delay)
        if count <= route.fail_first:
            self._send(500, b"server error", "text/plain")
            return
        if route.redirect:
            self._send(302, b"", "text/plain", {"Location": route.redirect})
            return
        if route.etag and self.headers.get("If-None-Match") == route.etag:
            self._send(304, b"", "", {"ETag": route.etag})
            return
        if route.endless:
            self._endless(route)
            return
        body, extra = route.body, dict(route.headers)
        if route.etag:
            extra["ETag"] = route.etag
        if route.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            extra["Content-Encoding"] = "gzip"
        self._send(route.status, body, route.content_type, extra)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def _endless(self, route: Route) -> None:
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<item><title>more</title></item>" * 2048
        try:
            for _ in range(100_000):  # stops long before: the client hangs up at its cap
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    owner: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (a capped body, a killed poller) is no error of the server."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FeedServer:
    """The server on 127.0.0.1 and a free port, in a thread; `with FeedServer() as s:`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def add(self, path: str, route: Route) -> str:
        """Serve `route` at `path`; its URL."""
        with self.lock:
            self.routes[path] = route
        return self.url(path)

    def start(self) -> FeedServer:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

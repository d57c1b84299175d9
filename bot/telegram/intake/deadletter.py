"""Setting updates aside: one log line and one dead letter (bot.store.deadletters) for each update
that cannot be parsed, stored or handled, so that intake moves on past it.

``UpdateScreen`` wraps the request that long polling's getUpdates goes through: an update in an
answer that PTB cannot parse is set aside and replaced by an empty update of the same id (see
``parse.screen_updates``), so the next offset confirms it and the updates after it are handled.
When the dead letter cannot be written (the database is away), the answer is refused as a
network error: PTB asks again with the same offset, and nothing is confirmed that was not kept
(without services to write to, the update is only logged).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from bot.telegram.intake.parse import screen_updates

if TYPE_CHECKING:
    from bot.telegram.context import BotData, SitrepApp

log = logging.getLogger(__name__)


class DeadLetterStore(Protocol):
    """Where updates are set aside (bot.store.deadletters.DeadLetters)."""

    async def record(self, update_id: object, source: str, reason: str, body: bytes | str) -> bool:
        """Set an update aside; False when it was set aside before."""
        ...


def one_line(text: str, limit: int = 200) -> str:
    """`text` as one log-safe line of at most `limit` characters."""
    first = " ".join(text.split())
    return first.encode("utf-8", "backslashreplace").decode("utf-8")[:limit]


async def set_aside(
    store: DeadLetterStore, update_id: object, source: str, reason: str, body: bytes | str
) -> None:
    """Keep the update as a dead letter and log it as one line; raises when it cannot be kept."""
    reason = one_line(reason)
    fresh = await store.record(update_id, source, reason, body)
    shown = update_id if isinstance(update_id, int) else "(no update_id)"
    if fresh:
        log.warning("update %s set aside (%s): %s", shown, source, reason)
    else:
        log.info("update %s set aside again (%s): %s", shown, source, reason)


async def try_set_aside(
    store: DeadLetterStore | None, update_id: object, source: str, reason: str, body: bytes | str
) -> bool:
    """`set_aside`, logging one line instead of raising when it cannot; whether it was kept."""
    if store is None:
        log.warning("update %s not kept (%s): %s", update_id, source, one_line(reason))
        return False
    try:
        await set_aside(store, update_id, source, reason, body)
    except Exception as exc:
        log.warning(
            "update %s could not be set aside (%s: %s): %s",
            update_id,
            type(exc).__name__,
            one_line(str(exc), 100),
            one_line(reason),
        )
        return False
    return True


def dead_letters_of(data: BotData) -> DeadLetterStore | None:
    """The application's dead letters (from its bot_data), once its services are open."""
    return data.services.inbox.dead_letters if data.is_open else None


class UpdateScreen(BaseRequest):
    """The getUpdates request, with every update PTB cannot parse set aside (see module doc)."""

    __slots__ = ("_app", "inner")

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner
        self._app: SitrepApp | None = None

    def attach(self, app: SitrepApp) -> None:
        """Set aside through this application's dead letters."""
        self._app = app

    @property
    def read_timeout(self) -> float | None:
        """The wrapped request's read timeout."""
        return self.inner.read_timeout

    async def initialize(self) -> None:
        """Initialize the wrapped request."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped request down."""
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make the request; screen a successful getUpdates answer."""
        status, payload = await self.inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if status != 200 or not url.rstrip("/").lower().endswith("/getupdates"):
            return status, payload
        screened, unreadable = screen_updates(payload)
        if unreadable:
            store = dead_letters_of(self._app.bot_data) if self._app is not None else None
            for item in unreadable:
                if store is None:  # no database to keep it in: logged, not kept
                    await try_set_aside(None, item.update_id, "polling", item.reason, item.body)
                    continue
                try:
                    await set_aside(store, item.update_id, "polling", item.reason, item.body)
                except Exception as exc:
                    raise NetworkError(f"could not set update {item.update_id} aside") from exc
        return status, screened

"""What the sender needs of a transport: one send, and the kinds of failure it may raise."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Protocol

from bot.delivery.outbox import Outgoing

# True while the sender sends an outbox row: the replies' rate limiter (bot.telegram.replies)
# lets such calls through, since the sender paces them and handles their 429s itself.
OUTBOX_SEND: ContextVar[bool] = ContextVar("outbox_send", default=False)


class DeliveryError(Exception):
    """A send did not go through."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """Telegram asked us to wait (429)."""

    def __init__(self, reason: str, seconds: float) -> None:
        super().__init__(reason)
        self.seconds = seconds


class ChatGone(DeliveryError):
    """The chat blocked or removed the bot, or no longer exists (403, chat not found)."""


class Rejected(DeliveryError):
    """Telegram refused this message for good (400)."""


class Transient(DeliveryError):
    """A network problem or timeout: worth retrying."""


class Transport(Protocol):
    """Something that sends an outgoing message and returns Telegram's message_id."""

    async def send(self, message: Outgoing) -> int:
        """Send; raise a DeliveryError subclass when it did not go through."""
        ...

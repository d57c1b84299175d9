"""The sender wired for tests: the in-process Bot API on the loop's (virtual) clock, a domain and
a Sender through a real telegram.Bot, numbered push messages and the sends the API saw."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Bot

from bot.bootstrap import Services, open_services
from bot.delivery.sender import Sender
from bot.delivery.telegram_transport import TelegramTransport
from bot.domain.messages import NewMessage
from bot.sim.api import LocalBotApi, LocalRequest
from tests.support.delivery import settings_for, utc
from tests.support.virtual_time import LoopClock, loop_time

START = utc(2021, 7, 9, 2, 0)
TOKEN = "123456:LOCAL"


def fake_api(**kw: Any) -> LocalBotApi:
    """The in-process Bot API on the loop's clock."""
    return LocalBotApi(clock=loop_time, **kw)


@asynccontextmanager
async def wired(
    url: str, api: LocalBotApi, request: LocalRequest | None = None, **sender_kw: Any
) -> AsyncIterator[tuple[Services, Sender]]:
    """A domain on the loop's clock and a sender through a real telegram.Bot."""
    async with (
        open_services(settings_for(url), LoopClock(START)) as domain,
        Bot(token=TOKEN, request=request or LocalRequest(api)) as bot,
    ):
        sender = Sender(
            domain.outbox,
            TelegramTransport(bot),
            monotonic=loop_time,
            on_chat_gone=domain.subscriptions.mark_blocked,
            poll_interval=0.2,
            **sender_kw,
        )
        yield domain, sender


def msg(chat: int, n: int, text: str | None = None, chat_type: str = "private") -> NewMessage:
    """A push message numbered n."""
    return NewMessage(
        kind="push",
        dedupe_key=f"t:{chat}:{n}",
        chat_id=chat,
        chat_type=chat_type,
        text=text or f"<b>msg {n}</b> to {chat}",
    )


def sends(api: LocalBotApi, chat: int | None = None) -> list[Any]:
    """sendMessage calls (any outcome), optionally to one chat."""
    return [
        c for c in api.calls_to("sendMessage") if chat is None or int(c.params["chat_id"]) == chat
    ]

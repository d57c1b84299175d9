"""Sending one outbox message through the Bot API, with Telegram's errors sorted into kinds."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.delivery.outbox import Outgoing
from bot.delivery.transport import OUTBOX_SEND, ChatGone, Rejected, RetryLater, Transient
from bot.domain.delivery_states import PICTURE_PART, OutboxKind

GONE_MARKERS = ("chat not found", "bot was kicked", "user is deactivated", "have no rights")

# PTB 22 builds every RetryAfter through its deprecated int-valued `retry_after` (a deprecation
# warning on each 429) unless time periods are opted in to timedelta; nothing here reads them as
# ints. An explicit PTB_TIMEDELTA in the environment wins.
os.environ.setdefault("PTB_TIMEDELTA", "true")


def _flood_reason(seconds: float) -> str:
    """RetryAfter's message as PTB words it for int periods (kept as the row's retry reason)."""
    if seconds.is_integer():
        return f"Flood control exceeded. Retry in {int(seconds)} seconds"
    return f"Flood control exceeded. Retry in {seconds}"


# (edition id, file number) -> (file name, content, caption) of an edition's stored picture
FileReader = Callable[[int, int], Awaitable[tuple[str, bytes, str] | None]]
Markup = Callable[[Outgoing], InlineKeyboardMarkup | None]


class TelegramTransport:
    """Sends through python-telegram-bot's Bot (so through PTB's real request path)."""

    def __init__(
        self, bot: Bot, files: FileReader | None = None, markup: Markup | None = None
    ) -> None:
        self.bot = bot
        self.files = files
        self.markup = markup  # buttons under a message (an edition's "Download as PDF")

    async def send(self, message: Outgoing) -> int:
        """Send one message as HTML, in its forum topic, as a reply when it corrects one; an
        edition's picture as a photo with its caption."""
        reply = (
            ReplyParameters(message.reply_to_message_id, allow_sending_without_reply=True)
            if message.reply_to_message_id
            else None
        )
        marked = OUTBOX_SEND.set(True)
        try:
            if message.kind == OutboxKind.PHOTO:
                sent = await self._photo(message)
            else:
                sent = await self.bot.send_message(
                    chat_id=message.chat_id,
                    text=message.text,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=message.thread_id,
                    reply_parameters=reply,
                    disable_web_page_preview=True,
                    reply_markup=self.markup(message) if self.markup is not None else None,
                )
        except RetryAfter as exc:
            wait = exc._retry_after  # a timedelta whatever PTB_TIMEDELTA says
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RetryLater(_flood_reason(seconds), seconds) from exc
        except Forbidden as exc:
            raise ChatGone(exc.message) from exc
        except BadRequest as exc:
            text = exc.message.lower()
            if any(marker in text for marker in GONE_MARKERS):
                raise ChatGone(exc.message) from exc
            raise Rejected(exc.message) from exc
        except (TimedOut, NetworkError) as exc:
            raise Transient(str(exc)) from exc
        finally:
            OUTBOX_SEND.reset(marked)
        return sent.message_id

    async def _photo(self, message: Outgoing) -> Message:
        found = None
        if self.files is not None and message.edition_id is not None:
            found = await self.files(message.edition_id, message.part_no - PICTURE_PART)
        if found is None:
            raise Rejected("the edition's picture is not stored")
        name, content, caption = found
        return await self.bot.send_photo(
            chat_id=message.chat_id,
            photo=InputFile(content, filename=name),
            caption=caption or None,
            parse_mode=ParseMode.HTML,
            message_thread_id=message.thread_id,
            reply_markup=self.markup(message) if self.markup is not None else None,
        )

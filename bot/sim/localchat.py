"""`sitrep chat`: the real Application fed from the terminal, answering via the local Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import tzinfo
from typing import Any, TextIO

from telegram import Update

from bot.config import Settings
from bot.domain.clock import Clock
from bot.sim.api import ButtonIndex, LocalBotApi, LocalRequest, UpdateFactory, render_event
from bot.telegram.app import build_application, lifespan

GROUP_CHAT_ID = -1001000000001
QUIT_WORDS = {"/quit", "/exit", "quit", "exit"}


class LocalChat:
    """One terminal conversation with the bot: turns lines into updates, prints what comes back."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        tz: tzinfo,
        user_id: int = 1001,
        chat_type: str = "private",
    ) -> None:
        self.api = LocalBotApi(global_rate=None, per_chat_interval=None, group_per_minute=None)
        self.user_id = user_id
        self.chat_type = "private" if chat_type == "private" else "supergroup"
        self.chat_id = user_id if chat_type == "private" else GROUP_CHAT_ID
        self.factory = UpdateFactory(
            api=self.api,
            bot_username=self.api.bot_username,
            bot_id=self.api.bot_id,
            default_user_id=user_id,
            clock=lambda: clock.now().timestamp(),
        )
        self.buttons = ButtonIndex()
        self._pending: list[str] = []
        self._seen_calls = 0
        self.api.add_listener(self._on_event)
        self.app = build_application(settings, clock=clock, tz=tz, request=LocalRequest(self.api))

    def _on_event(self, kind: str, message: dict[str, Any]) -> None:
        if message.get("chat", {}).get("id") != self.chat_id:
            return
        self.buttons.observe(kind, message)
        self._pending.append(render_event(kind, message))

    def _notices(self) -> list[str]:
        """Texts of answered button presses (Telegram shows them as a toast)."""
        notes = []
        for call in self.api.calls[self._seen_calls :]:
            if call.method == "answerCallbackQuery" and call.params.get("text"):
                notes.append(f"({call.params['text']})")
        self._seen_calls = len(self.api.calls)
        return notes

    def update_for(self, text: str) -> dict[str, Any] | str:
        """The Update a typed line stands for, or a note to print (e.g. a URL button)."""
        stripped = text.strip()
        if stripped.isdigit() and len(self.buttons):
            button = self.buttons.press(stripped)
            if button is not None:
                if button.callback_data is not None and button.message is not None:
                    return self.factory.callback(
                        button.callback_data, message=button.message, user_id=self.user_id
                    )
                if button.url:
                    return f"(opens {button.url})"
        return self.factory.message(
            text, user_id=self.user_id, chat_id=self.chat_id, chat_type=self.chat_type
        )

    async def say(self, text: str) -> list[str]:
        """Send one line as the user; return the bot's replies as readable text."""
        self._pending.clear()
        self._seen_calls = len(self.api.calls)
        update = self.update_for(text)
        if isinstance(update, str):
            return [update]
        await self.app.process_update(Update.de_json(update, self.app.bot))
        # Deliver what the update queued (pushes, alerts, corrections) so it shows here too.
        sender = self.app.bot_data.sender
        if sender is not None:
            await sender.drain()
        return [*self._pending, *self._notices()]


async def run_local_chat(
    settings: Settings,
    *,
    clock: Clock,
    tz: tzinfo,
    user_id: int,
    chat_type: str,
    lines: Iterable[str],
    out: TextIO,
    interactive: bool,
) -> int:
    """Run the chat until EOF (or /quit when interactive); return the exit code."""
    chat = LocalChat(settings, clock=clock, tz=tz, user_id=user_id, chat_type=chat_type)
    feed = iter(lines)
    async with lifespan(chat.app):
        if interactive:
            out.write(
                "Sitrep local chat (offline). Type a message or a /command; "
                "a number presses that button; /quit or Ctrl-D ends.\n"
            )
        while True:
            if interactive:
                try:
                    line = await asyncio.to_thread(input, "you> ")
                except EOFError:
                    out.write("\n")
                    break
            else:
                fed = next(feed, None)
                if fed is None:
                    break
                line = fed
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            if interactive and text.strip().lower() in QUIT_WORDS:
                break
            if not interactive:
                out.write(f"> {text}\n")
            for reply in await chat.say(text):
                out.write(reply + "\n\n")
            out.flush()
    return 0

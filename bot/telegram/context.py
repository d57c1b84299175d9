"""The typed context handlers receive: the one services container (`bot.bootstrap.Services`)
reaches handlers through it, beside the application's own runtime state (`BotData`)."""

from __future__ import annotations

import asyncio
import logging
from datetime import tzinfo
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.bootstrap import Services
from bot.config import Settings
from bot.delivery.sender import Sender
from bot.domain.clock import Clock
from bot.telegram.intake.clean import storable


class BotData:
    """Application-wide state: build-time settings, then the services and the sender the
    lifecycle opens, and the runtime state of this process (background tasks, rate limits)."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.clock: Clock = Clock()
        self.tz: tzinfo | None = None
        self.subscriptions_enabled = True  # answers offer "follow this place" buttons
        # Per-user question rate, least recently used first (bounded: handlers.questions).
        self.ask_limiters: dict[int, AsyncLimiter] = {}
        self.sender: Sender | None = None
        self.background = False  # start the scheduler tick and the sender loop (sitrep run)
        self.inbox = False  # updates go through the update inbox (intake.inbox; sitrep run)
        self.inbox_sweep: asyncio.Task[None] | None = None
        self.stop_sender: asyncio.Event | None = None
        self.sender_task: asyncio.Task[None] | None = None
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """The open services; fails loudly if used before start-up."""
        if self._services is None:
            raise RuntimeError("services used before the application was started")
        return self._services

    @services.setter
    def services(self, value: Services | None) -> None:
        self._services = value

    @property
    def is_open(self) -> bool:
        """Whether start-up has opened the services."""
        return self._services is not None


class SitrepContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to Sitrep's services."""

    @property
    def services(self) -> Services:
        """The application's services."""
        return self.bot_data.services


SitrepApp = Application[ExtBot[None], SitrepContext, dict[Any, Any], dict[Any, Any], BotData, Any]

log = logging.getLogger(__name__)


class SitrepApplication(SitrepApp):
    """The Application, which marks each update done in the inbox once its handlers ran (an
    update whose process died first is handled again; see bot.telegram.intake.inbox)."""

    async def process_update(self, update: object) -> None:
        """Run the handlers, then mark the update done in the inbox (when it is on)."""
        if isinstance(update, Update):
            update = storable(update, self.bot)
        await super().process_update(update)
        data = self.bot_data
        if data.inbox and data.is_open and isinstance(update, Update):
            try:
                await data.services.inbox.done(update.update_id)
            except Exception:
                # Left undone, the update is handled again when its lease runs out.
                log.exception("could not mark update %s done", update.update_id)

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Any = None
    ) -> None:
        """PTB notes every chat and user id it sees for its persistence, and empties the notes
        only when it persists; Sitrep has no PTB persistence (its state is in the database), so
        the notes would grow by one id per chat and user ever seen: keep none."""
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)

"""The typed context handlers receive: services reach handlers through it, not bot_data casts."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.bootstrap import Domain
from bot.config import Settings
from bot.delivery.outbox import Outbox
from bot.delivery.sender import Sender
from bot.domain.clock import Clock
from bot.domain.editions.compose import BriefingService
from bot.domain.editions.figures import FigureService
from bot.domain.editions.pushes import PushService
from bot.domain.ingest.service import IngestService
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.questions.answers import AnswerService
from bot.render.environment import Renderer
from bot.store.chatstate import ChatStateStore
from bot.store.events import EventStore
from bot.store.people import PeopleService
from bot.store.places import PlaceService
from bot.store.subscriptions import SubscriptionService


@dataclass
class Services:
    """Everything a handler may call, created in the application's lifecycle."""

    domain: Domain
    renderer: Renderer
    tz: tzinfo
    sender: Sender
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def subscriptions(self) -> SubscriptionService:
        """Subscriptions and their settings."""
        return self.domain.subscriptions

    @property
    def briefings(self) -> BriefingService:
        """Composing and enqueueing editions."""
        return self.domain.briefings

    @property
    def ingest(self) -> IngestService:
        """Turning articles into events."""
        return self.domain.ingest

    @property
    def figures(self) -> FigureService:
        """Key figures for briefings."""
        return self.domain.figures

    @property
    def pushes(self) -> PushService:
        """Manual briefings, flash alerts, corrections."""
        return self.domain.pushes

    @property
    def outbox(self) -> Outbox:
        """The delivery outbox."""
        return self.domain.outbox

    @property
    def settings(self) -> Settings:
        """The settings the app was built with."""
        return self.domain.settings

    @property
    def clock(self) -> Clock:
        """The one clock."""
        return self.domain.clock

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """The session factory."""
        return self.domain.sessions

    @property
    def people(self) -> PeopleService:
        """Chats, users, admins."""
        return self.domain.people

    @property
    def events(self) -> EventStore:
        """The event store."""
        return self.domain.events

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer (shipped places plus admin additions)."""
        return self.domain.gazetteer

    @property
    def answers(self) -> AnswerService:
        """Answering questions."""
        return self.domain.answers

    @property
    def places(self) -> PlaceService:
        """Adding places and aliases."""
        return self.domain.places

    @property
    def chat_state(self) -> ChatStateStore:
        """Conversation state shared by every instance (forms, answer pages, follow-ups)."""
        return self.domain.chat_state


class BotData:
    """Application-wide state: build-time settings, then the services the lifecycle opens."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.clock: Clock = Clock()
        self.tz: tzinfo | None = None
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
        await super().process_update(update)
        data = self.bot_data
        if data.inbox and data.is_open and isinstance(update, Update):
            try:
                await data.services.domain.inbox.done(update.update_id)
            except Exception:
                # Left undone, the update is handled again when its lease runs out.
                log.exception("could not mark update %s done", update.update_id)

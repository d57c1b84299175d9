"""The typed context handlers receive: services reach handlers through it, not bot_data casts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings
from bot.rendering import Renderer
from bot.services.people import PeopleService


@dataclass
class Services:
    """Everything a handler may call, created in the application's lifecycle."""

    settings: Settings
    clock: Clock
    tz: tzinfo
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    renderer: Renderer
    people: PeopleService
    extras: dict[str, Any] = field(default_factory=dict)


class BotData:
    """Application-wide state: build-time settings, then the services the lifecycle opens."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.clock: Clock = Clock()
        self.tz: tzinfo | None = None
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

"""What the actor registry needs from storage: the actors table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from bot.domain.actors.model import Actor


class ActorRepository(Protocol):
    """Stored actors: the shipped ones, those learned from imports and those admins edit."""

    async def load(self) -> int:
        """Sync the shipped actors into the table and load every stored actor into the registry."""
        ...

    async def learn(self, names: Iterable[str], source: str) -> list[Actor]:
        """Add the names no known actor goes by as new actors; the actors added."""
        ...

    async def add(self, name: str, aliases: Iterable[str], *, by: int | None = None) -> Actor:
        """Add an actor (admins)."""
        ...

    async def alias(self, name: str, alias: str, *, by: int | None = None) -> Actor:
        """Give an actor another name (admins)."""
        ...

    async def remove(self, name: str, *, by: int | None = None) -> bool:
        """Delete an actor added by an import or an admin; whether one was deleted."""
        ...

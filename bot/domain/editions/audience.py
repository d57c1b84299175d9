"""Push audiences: who a push or alert goes to, read from an admin's /audience words.

A push's audience is stored as text: "all", "place:<key>", "chat:<id>", or "event:<id>" (a flash
alert: subscribers of the event's place). Anything unrecognised reads as everybody.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.domain.places.model import Place


class AudienceKind(StrEnum):
    """Who a push goes to."""

    ALL = "all"
    PLACE = "place"
    CHAT = "chat"
    EVENT = "event"


class PlaceLookup(Protocol):
    """The part of the gazetteer audiences need."""

    def get(self, key: str) -> Place | None:
        """The place with this key."""

    def resolve(self, name: str, *, prefer_city: bool = False) -> Place | None:
        """The place a name means."""

    def suggest(self, name: str, limit: int = 3) -> list[Place]:
        """Places with names like this one."""


@dataclass(frozen=True)
class Audience:
    """A push's audience: a kind and its argument (place key, chat id or event id)."""

    kind: AudienceKind
    arg: str = ""

    def encode(self) -> str:
        """The stored form: "all", "place:<key>", "chat:<id>", "event:<id>"."""
        return self.kind.value if self.kind is AudienceKind.ALL else f"{self.kind}:{self.arg}"

    @classmethod
    def decode(cls, stored: str) -> Audience:
        """Read a stored audience; anything unrecognised is everybody."""
        kind, _, arg = stored.partition(":")
        if kind in (AudienceKind.PLACE, AudienceKind.CHAT, AudienceKind.EVENT):
            return cls(AudienceKind(kind), arg)
        return cls(AudienceKind.ALL)


@dataclass(frozen=True)
class AudienceLabel:
    """What to call an audience: its kind and a name (a place's name, or the chat id)."""

    kind: AudienceKind
    name: str = ""


@dataclass(frozen=True)
class UnknownPlace:
    """The admin named a place the gazetteer does not know; with names like it."""

    query: str
    hints: tuple[str, ...] = ()


def label_of(stored: str, places: PlaceLookup) -> AudienceLabel:
    """How to describe a stored audience to the admin."""
    audience = Audience.decode(stored)
    if audience.kind is AudienceKind.PLACE:
        place = places.get(audience.arg)
        return AudienceLabel(audience.kind, place.name if place else audience.arg)
    if audience.kind is AudienceKind.CHAT:
        return AudienceLabel(audience.kind, audience.arg)
    return AudienceLabel(audience.kind)


def choose_audience(words: str, places: PlaceLookup) -> Audience | UnknownPlace:
    """`/audience all | chat ID | PLACE` (words not empty): the audience the admin chose."""
    if words.lower() == "all":
        return Audience(AudienceKind.ALL)
    if words.lower().startswith("chat "):
        return Audience(AudienceKind.CHAT, words[5:].strip())
    place = places.resolve(words)
    if place is None:
        return UnknownPlace(words, tuple(p.name for p in places.suggest(words)))
    return Audience(AudienceKind.PLACE, place.key)

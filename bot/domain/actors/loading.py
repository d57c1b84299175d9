"""The shipped actors file (bot/data/actors.json), read through importlib.resources."""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from importlib import resources
from typing import Any

from bot.domain.actors.model import SHIPPED, UNKNOWN_KIND, Actor
from bot.domain.actors.registry import ActorRegistry

log = logging.getLogger(__name__)

DATA_PACKAGE = "bot.data"
DATA_FILE = "actors.json"


def actor_from_dict(data: dict[str, Any], source: str = SHIPPED) -> Actor:
    """One actor from its JSON object (name, kind, countries, aliases, search)."""
    name = str(data["name"]).strip()
    aliases = tuple(
        dict.fromkeys(str(a).strip() for a in data.get("aliases", ()) if str(a).strip())
    )
    return Actor(
        name=name,
        kind=str(data.get("kind") or UNKNOWN_KIND),
        countries=tuple(str(c).upper() for c in data.get("countries", ())),
        aliases=tuple(a for a in aliases if a != name),
        source=source,
        search=tuple(str(t).strip() for t in data.get("search", ()) if str(t).strip()),
    )


def parse_actors(text: str) -> list[Actor]:
    """The actors of a JSON document shaped like the shipped file."""
    doc = json.loads(text)
    return [actor_from_dict(item) for item in doc["actors"]]


@lru_cache(maxsize=1)
def shipped_actors() -> tuple[Actor, ...]:
    """The actors shipped with Sitrep (read once per process)."""
    text = resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_text(encoding="utf-8")
    actors = tuple(parse_actors(text))
    log.debug("loaded %d shipped actors", len(actors))
    return actors


def shipped_registry() -> ActorRegistry:
    """A new registry holding the shipped actors only."""
    return ActorRegistry(shipped_actors())


@lru_cache(maxsize=1)
def default_registry() -> ActorRegistry:
    """One shared registry of the shipped actors, for code given no registry (tests, tools)."""
    return shipped_registry()

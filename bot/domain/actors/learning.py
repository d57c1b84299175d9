"""Which actor names an import brings are new actors worth learning."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.domain.actors.model import MAX_NAME
from bot.domain.actors.registry import ActorRegistry

# ACLED/UCDP placeholders for people, not actors with a name of their own.
_PLACEHOLDER = re.compile(
    r"^(?:civilians|protesters|rioters|unidentified|unknown|private security|"
    r"labou?r group|refugees|prisoners|students|farmers|fishers|journalists|"
    r"health workers|aid workers|women|children)\b",
    re.IGNORECASE,
)


def new_actor_names(names: Iterable[str], registry: ActorRegistry) -> list[str]:
    """The names (tidied, each once) that no known actor goes by and that name an actor."""
    out: dict[str, None] = {}
    for raw in names:
        name = " ".join(str(raw).split())
        if len(name) < 2 or len(name) > MAX_NAME or _PLACEHOLDER.match(name):
            continue
        if name in out or registry.resolve(name) is not None or registry.owners(name):
            continue
        if registry.find_in_text(name):
            continue  # "Islamic State (Afghanistan)": a known actor, written ACLED's way
        out[name] = None
    return list(out)

"""An actor: a canonical name, the other names it goes by, what sort of actor it is and where."""

from __future__ import annotations

from dataclasses import dataclass, field

# Sorts of actor the shipped file uses; imported actors start as UNKNOWN_KIND.
KINDS: tuple[str, ...] = (
    "state forces",
    "armed group",
    "political",
    "militia",
    "gang",
    "international",
    "state",
)
UNKNOWN_KIND = "unknown"
# Non-state armed actors: what "the insurgents" or "the group" in an article can stand for.
NON_STATE_KINDS = frozenset({"armed group", "gang"})
# Actors found by their own rules in articles (a state acts as a sentence's subject only).
NOT_IN_ARTICLES = frozenset({"state"})

SHIPPED = "shipped"
IMPORTED = "import"
ADMIN = "admin"
SOURCES = (SHIPPED, IMPORTED, ADMIN)

MAX_NAME = 120  # characters of a canonical name or an alias


class ActorError(ValueError):
    """An actor edit that cannot be made; the message says why in one plain line."""


@dataclass(frozen=True, slots=True)
class Actor:
    """One actor and every name that refers to it."""

    name: str
    kind: str = UNKNOWN_KIND
    countries: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    source: str = SHIPPED
    search: tuple[str, ...] = ()  # names stored events are searched by; () = every plain name
    notes: str = field(default="", compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name first, then the aliases."""
        return (self.name, *(a for a in self.aliases if a != self.name))

    @property
    def non_state(self) -> bool:
        """Whether this is a non-state armed actor (an armed group or a gang)."""
        return self.kind in NON_STATE_KINDS

"""Whether two accounts are the same happening: the rule events are merged by.

Two accounts are one happening when their dates overlap, their places are the same (the store
compares places), nothing coded about them disagrees — the event type or sub-type when both
have one, the actors when both name some — and they agree positively: either their texts say the
same thing, or their coding does (same sub-type and a shared actor). Two rows of one dataset are
never the same happening (each is its own coded event), so that rule is the caller's: only an
account without a dataset key (an article, an admin's report) is compared with stored rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

SIMILAR_TEXT = 72.0  # token-set similarity (0-100) from which two summaries tell the same thing
_PAREN = re.compile(r"\s*\([^)]*\)")  # "Civilians (Afghanistan)" → "civilians"
# The datasets' names of a state's side: ACLED's "Military Forces of X", UCDP's "Government of X".
_STATE = re.compile(
    r"^(?:(?:military|police|armed|security|state)\s+forces\s+of|government\s+of)\s+(?:the\s+)?"
    r"(?P<country>.+)$"
)
UCDP_SUB_TYPES = frozenset({"State-based conflict", "Non-state conflict", "One-sided violence"})
Canon = Callable[[str], str]  # an actor's canonical name (the registry's), or the name itself


@dataclass(frozen=True, slots=True)
class Account:
    """What the rule compares of one account of an event."""

    summary: str
    event_type: str = ""
    sub_event_type: str = ""
    actors: tuple[str, ...] = ()


def _actor_key(name: str, canon: Canon | None) -> str:
    bare = _PAREN.sub("", name).strip()
    state = _STATE.match(bare.casefold())
    if state is not None:
        return f"state of {state.group('country')}"
    return (canon(bare) if canon is not None else bare).casefold()


def _actor_keys(names: Iterable[str], canon: Canon | None) -> set[str]:
    return {k for k in (_actor_key(n, canon) for n in names) if k}


def _types_agree(a: Account, b: Account) -> bool | None:
    """True when both are typed alike, False when their coding disagrees, None when unknown.
    Sub-types are compared only within one vocabulary: UCDP's are not ACLED's."""
    ucdp = a.sub_event_type in UCDP_SUB_TYPES or b.sub_event_type in UCDP_SUB_TYPES
    if a.sub_event_type and b.sub_event_type and not ucdp:
        return a.sub_event_type == b.sub_event_type
    if a.event_type and b.event_type:
        return a.event_type == b.event_type
    return None


def _actors_agree(a: Account, b: Account, canon: Canon | None) -> bool | None:
    """True when they share an actor, False when both name actors but none in common."""
    ka, kb = _actor_keys(a.actors, canon), _actor_keys(b.actors, canon)
    if not ka or not kb:
        return None
    return any(x == y or x in y or y in x for x in ka for y in kb)


def same_happening(a: Account, b: Account, canon: Canon | None = None) -> bool:
    """Whether two accounts dated and placed alike tell of one happening (see the module);
    `canon` names actors by one name (a variant spelling → the actor registry's name)."""
    types, actors = _types_agree(a, b), _actors_agree(a, b, canon)
    if types is False or actors is False:
        return False
    if types and actors:
        return True
    return fuzz.token_set_ratio(a.summary.lower(), b.summary.lower()) >= SIMILAR_TEXT

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
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

SIMILAR_TEXT = 72.0  # token-set similarity (0-100) from which two summaries tell the same thing
_PAREN = re.compile(r"\s*\([^)]*\)")  # "Civilians (Afghanistan)" → "civilians"


@dataclass(frozen=True, slots=True)
class Account:
    """What the rule compares of one account of an event."""

    summary: str
    event_type: str = ""
    sub_event_type: str = ""
    actors: tuple[str, ...] = ()


def _actor_keys(names: Iterable[str]) -> set[str]:
    return {k for k in (_PAREN.sub("", n).strip().casefold() for n in names) if k}


def _types_agree(a: Account, b: Account) -> bool | None:
    """True when both are typed alike, False when their coding disagrees, None when unknown."""
    if a.sub_event_type and b.sub_event_type:
        return a.sub_event_type == b.sub_event_type
    if a.event_type and b.event_type:
        return a.event_type == b.event_type
    return None


def _actors_agree(a: Account, b: Account) -> bool | None:
    """True when they share an actor, False when both name actors but none in common."""
    ka, kb = _actor_keys(a.actors), _actor_keys(b.actors)
    if not ka or not kb:
        return None
    return any(x == y or x in y or y in x for x in ka for y in kb)


def same_happening(a: Account, b: Account) -> bool:
    """Whether two accounts dated and placed alike tell of one happening (see the module)."""
    types, actors = _types_agree(a, b), _actors_agree(a, b)
    if types is False or actors is False:
        return False
    if types and actors:
        return True
    return fuzz.token_set_ratio(a.summary.lower(), b.summary.lower()) >= SIMILAR_TEXT

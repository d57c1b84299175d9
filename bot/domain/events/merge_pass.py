"""One happening, one entry: stored accounts of the same happening merged into one event.

Accounts from different sources — an ACLED row, a UCDP row, articles from several outlets — are
merged when their dates overlap, their places are the same or one lies within the other, and
``bot.domain.events.twins.same_happening`` holds. Two rows of one dataset (same key prefix:
``acled:``/``acled-row:``, ``ucdp:``) are never merged with each other: each is its own coded
event. The head of a group is the most coded account (a dataset row first), and the others are
merged into it (reversible with /event N split: events split apart are never merged together
again). Running the pass again changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.domain.actors.registry import ActorRegistry
from bot.domain.bulk import keys
from bot.domain.events.twins import Account, Canon, same_happening
from bot.domain.places.gazetteer import Gazetteer

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored, unmerged account, as the pass compares it."""

    id: int
    external_key: str | None
    place_key: str | None
    first: date
    last: date
    account: Account


class MergeStore(Protocol):
    """What the pass needs from storage."""

    async def unmerged(self, first: date, last: date) -> list[Stored]:
        """Published events not merged into another, dated within [first, last]."""
        ...

    async def merge(self, into: int, ids: Sequence[int]) -> list[int]:
        """Merge events into one; the ids merged."""
        ...

    async def apart(self) -> set[frozenset[int]]:
        """Pairs of events an admin split apart (never merged together again)."""
        ...


def dataset_of(key: str | None) -> str | None:
    """The dataset a row comes from ("acled", "ucdp"), None for an article or admin report
    (no key, or the ``sitrep:`` key an export gave it)."""
    return keys.dataset_of(key)


def _places_fit(gazetteer: Gazetteer, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    return any(p.key == b for p in gazetteer.ancestors(a)) or any(
        p.key == a for p in gazetteer.ancestors(b)
    )


def _rank(s: Stored) -> tuple[int, int, int]:
    """Heads first: dataset rows, then the most coded, then the oldest."""
    coded = bool(s.account.sub_event_type) + bool(s.account.event_type) + bool(s.account.actors)
    return (0 if dataset_of(s.external_key) else 1, -coded, s.id)


def canon_of(actors: ActorRegistry | None) -> Canon | None:
    """Actor names by the registry's canonical name (a variant spelling → the registry's)."""
    if actors is None:
        return None
    registry = actors

    def canon(name: str) -> str:
        actor = registry.resolve(name)
        return actor.name if actor is not None else name

    return canon


SHORT_SPAN = 31  # heads spanning up to this many days are indexed by day; longer ones by country


class _Heads:
    """The heads of groups so far, by country and day: an account is compared only with heads
    of its country whose dates overlap its own (a long import stays linear, not quadratic)."""

    def __init__(self) -> None:
        self._by_day: dict[tuple[str, date], list[tuple[int, Stored]]] = {}
        self._long: dict[str, list[tuple[int, Stored]]] = {}
        self._all: dict[str, list[tuple[int, Stored]]] = {}
        self._n = 0

    def add(self, country: str, s: Stored) -> None:
        """Register a new head."""
        self._n += 1
        item = (self._n, s)
        self._all.setdefault(country, []).append(item)
        if (s.last - s.first).days >= SHORT_SPAN:
            self._long.setdefault(country, []).append(item)
            return
        for day in _days(s.first, s.last):
            self._by_day.setdefault((country, day), []).append(item)

    def overlapping(self, country: str, s: Stored) -> list[Stored]:
        """The heads of a country whose dates overlap the account's, oldest head first."""
        if (s.last - s.first).days >= SHORT_SPAN:
            found = self._all.get(country, [])
        else:
            seen: dict[int, Stored] = {n: h for n, h in self._long.get(country, [])}
            for day in _days(s.first, s.last):
                seen.update(self._by_day.get((country, day), []))
            found = sorted(seen.items())
        return [h for _, h in found if not (h.last < s.first or s.last < h.first)]


def _days(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


def plan_merges(
    accounts: Sequence[Stored],
    gazetteer: Gazetteer,
    canon: Canon | None = None,
    apart: Collection[frozenset[int]] = frozenset(),
) -> dict[int, list[int]]:
    """Groups of the same happening: head id → ids to merge into it (pure; see the module).
    Heads are compared within their country only, and dates first (cheap); `apart`: pairs an
    admin split, never in one group."""
    heads = _Heads()
    datasets: dict[int, set[str]] = {}
    groups: dict[int, list[int]] = {}
    for s in sorted(accounts, key=_rank):
        place = gazetteer.get(s.place_key) if s.place_key else None
        if place is None:
            continue  # unplaced accounts are never merged
        mine = dataset_of(s.external_key)
        for head in heads.overlapping(place.country, s):
            if mine is not None and mine in datasets[head.id]:
                continue  # never two rows of one dataset in one happening
            if apart and any(frozenset((m, s.id)) in apart for m in (head.id, *groups[head.id])):
                continue  # split by an admin
            if not _places_fit(gazetteer, head.place_key, s.place_key):
                continue
            if not same_happening(head.account, s.account, canon):
                continue
            groups[head.id].append(s.id)
            if mine is not None:
                datasets[head.id].add(mine)
            break
        else:
            heads.add(place.country, s)
            groups[s.id] = []
            datasets[s.id] = {mine} if mine else set()
    return {h: m for h, m in groups.items() if m}


async def merge_twins(
    store: MergeStore,
    gazetteer: Gazetteer,
    first: date,
    last: date,
    actors: ActorRegistry | None = None,
) -> dict[int, list[int]]:
    """Merge the accounts of the same happening dated within [first, last]; what was merged."""
    accounts = await store.unmerged(first, last)
    apart = await store.apart()
    done: dict[int, list[int]] = {}
    for head, ids in plan_merges(accounts, gazetteer, canon_of(actors), apart).items():
        merged = await store.merge(head, ids)
        if merged:
            done[head] = merged
    log.info("merged %d events into %d", sum(len(v) for v in done.values()), len(done))
    return done

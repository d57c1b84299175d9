"""Counting what a question matches: the total behind a page, and the numbers of number questions.

The ids come from the same search as the list (so counts and lists agree), up to a cap; their
facts (type, place, fatalities) come from the EventFacts port, or — when no such store is wired —
from the loaded events themselves.
"""

from __future__ import annotations

from typing import Literal

from bot.domain.events.filters import EventFilter
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.questions.ports import EventFact, EventFacts, EventReader
from bot.domain.questions.tally import Tally, tally
from bot.domain.questions.understand import Query

TOTAL_CAP = 60  # events counted behind a page ("5 of 60+"): a floor beyond, kept cheap
NUMBER_CAP = 50_000  # events counted for a number question
BREAKDOWN_FROM = 10  # a one-line breakdown above this many events
LOAD_CHUNK = 200


class Tallier:
    """Totals and numbers over a filter's events."""

    def __init__(
        self, reader: EventReader, gazetteer: Gazetteer, facts: EventFacts | None = None
    ) -> None:
        self._reader = reader
        self._gazetteer = gazetteer
        self._facts = facts

    async def _ids(
        self, flt: EventFilter, cap: int, order: Literal["newest", "oldest"]
    ) -> list[int]:
        async with self._reader.reads() as reads:
            return await reads.search(flt, limit=cap + 1, order=order)

    async def _facts_of(self, ids: list[int]) -> list[EventFact]:
        if self._facts is not None:
            return await self._facts.facts(ids)
        out: list[EventFact] = []
        async with self._reader.reads() as reads:
            for i in range(0, len(ids), LOAD_CHUNK):
                for r in await reads.load(ids[i : i + LOAD_CHUNK]):
                    out.append(
                        EventFact(r.id, r.event_type, r.sub_event_type, r.place_key, r.fatalities)
                    )
        return out

    async def source_counts(self, ids: list[int]) -> dict[int, int]:
        """Sources of the listed events counted with those merged into them ({} unknown)."""
        if self._facts is None or not ids:
            return {}
        return await self._facts.source_counts(ids)

    async def total(
        self, flt: EventFilter, *, order: Literal["newest", "oldest"], breakdown: str
    ) -> tuple[int, bool, Tally | None]:
        """How many events match (a floor when capped) and, above ten, their breakdown."""
        return await self.total_of(await self._ids(flt, TOTAL_CAP, order), breakdown=breakdown)

    async def total_of(self, ids: list[int], *, breakdown: str) -> tuple[int, bool, Tally | None]:
        """As total, from the ids the search gave at offset 0 with limit TOTAL_CAP + 1 (an
        answer's first page searched that far: one search for the page and its total)."""
        capped = len(ids) > TOTAL_CAP
        ids = ids[:TOTAL_CAP]
        if len(ids) <= BREAKDOWN_FROM:
            return len(ids), capped, None
        facts = await self._facts_of(ids)
        return len(ids), capped, tally(facts, self._gazetteer, capped=capped, level=breakdown)

    async def numbers(
        self, flt: EventFilter, query: Query, *, level: str
    ) -> tuple[Tally, list[int]]:
        """The numbers a question asks for, and the matching ids newest first."""
        ids = await self._ids(flt, NUMBER_CAP, "newest")
        capped = len(ids) > NUMBER_CAP
        ids = ids[:NUMBER_CAP]
        facts = await self._facts_of(ids) if ids else []
        found = tally(facts, self._gazetteer, capped=capped, level=level, rank_by=query.rank_by)
        return found, ids

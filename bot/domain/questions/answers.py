"""Answering questions from stored events only: retrieval, scope, paging and honest 'nothing'."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby
from typing import Literal

from bot.domain.actors.loading import default_registry
from bot.domain.actors.registry import ActorRegistry
from bot.domain.events.filters import Coverage, EventFilter
from bot.domain.events.model import (
    SEVERITY_RANK,
    EventView,
)
from bot.domain.events.records import EventRecord, event_view
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place
from bot.domain.questions.ports import EventReader
from bot.domain.questions.understand import Query, Understander

log = logging.getLogger(__name__)

PAGE = 5
MAX_LATEST = 20

AnswerKind = Literal["events", "nothing", "unknown_place"]


@dataclass(frozen=True, slots=True)
class AnswerPlace:
    """A place in an answer's heading, with its context."""

    key: str
    name: str
    context: str


@dataclass(frozen=True, slots=True)
class Answer:
    """Everything the answer template needs; plain data."""

    kind: AnswerKind
    query: Query
    places: tuple[AnswerPlace, ...] = ()
    border_label: str = ""
    window_label: str = ""
    focus: tuple[str, ...] = ()
    events: tuple[EventView, ...] = ()
    offset: int = 0
    has_more: bool = False
    loose: bool = False
    coverage: Coverage | None = None
    suggestions: tuple[str, ...] = ()
    unknown_name: str = ""
    widened: bool = False  # nothing placed there: these events mention the place instead
    order: Literal["newest", "oldest"] = "newest"
    title: str = ""

    @property
    def subscribe_place(self) -> AnswerPlace | None:
        """The one place a "Subscribe" button would offer."""
        return self.places[0] if len(self.places) == 1 else None

    @property
    def next_offset(self) -> int:
        """Offset of the next page."""
        return self.offset + len(self.events)


def _severe_first_within_day(events: list[EventView]) -> list[EventView]:
    """Keep the page's day order; within one day, the most severe events first."""
    out: list[EventView] = []
    for _day, same in groupby(events, key=lambda e: e.when.first_day()):
        out.extend(sorted(same, key=lambda e: SEVERITY_RANK[e.severity]))
    return out


def filter_for(query: Query) -> EventFilter:
    """The retrieval filter of a query: its place scope, window and term groups (all must match)."""
    return EventFilter(
        place_keys=query.place_keys,
        first=query.first_date,
        last=query.last_date,
        term_groups=tuple(query.term_groups()),
        match_all=True,
    )


class AnswerService:
    """Understands questions and answers them from the store."""

    def __init__(
        self, reader: EventReader, gazetteer: Gazetteer, actors: ActorRegistry | None = None
    ) -> None:
        self._reader = reader
        self.gazetteer = gazetteer
        self.understander = Understander(
            gazetteer, actors=actors if actors is not None else default_registry()
        )

    def understand(self, question: str, now: datetime, previous: Query | None = None) -> Query:
        """Read a question relative to the reader's local `now`."""
        return self.understander.understand(question, now, previous)

    async def ask(self, question: str, now: datetime, previous: Query | None = None) -> Answer:
        """Answer a question in the reader's words."""
        return await self.answer(self.understand(question, now, previous))

    async def answer(
        self,
        query: Query,
        *,
        offset: int = 0,
        loose: bool | None = None,
        order: Literal["newest", "oldest"] = "newest",
        page: int = PAGE,
        title: str = "",
        with_coverage: bool = True,
    ) -> Answer:
        """Retrieve a page of events for a query (strict terms first, then any term)."""
        if query.unknown_name and not query.places and not query.border_of:
            # Not a known place; if the name finds events as a word ("Turkey consulate"), it
            # was not meant as a place; otherwise say so and suggest the nearest names.
            as_words = replace(
                query,
                unknown_name=None,
                words=(*query.words, query.unknown_name.lower()),
            )
            found = await self.answer(
                as_words,
                offset=offset,
                loose=False,
                order=order,
                page=page,
                title=title,
                with_coverage=False,
            )
            if found.events or offset:
                return found
            return self._unknown(query, order=order, title=title)
        base = self._frame(query, order=order, title=title)
        flt = filter_for(query)
        groups = flt.term_groups
        async with self._reader.reads() as reads:
            use_loose = bool(loose)
            ids: list[int] = []
            if not use_loose:
                ids = await reads.search(flt, limit=page + 1, offset=offset, order=order)
            if loose is None and not ids and len(groups) > 1 and offset == 0:
                use_loose = True
            if use_loose:
                flt = replace(flt, match_all=False)
                ids = await reads.search(flt, limit=page + 1, offset=offset, order=order)
            cover = None
            if not ids and with_coverage:
                cover = await reads.coverage(query.place_keys)
            records = await reads.load(ids[:page])
        events = [self._view(r) for r in records]
        if use_loose:
            # Ranked by relevance to pick them; shown newest first like every answer.
            events.sort(key=lambda e: (e.when.first_day(), e.id), reverse=order == "newest")
        events = _severe_first_within_day(events)
        if not events and offset == 0 and query.places and not use_loose:
            wide = await self._mentioning(query, order=order, page=page, title=title)
            if wide is not None:
                return replace(wide, places=base.places, widened=True)
        return replace(
            base,
            kind="events" if events else "nothing",
            events=tuple(events),
            offset=offset,
            has_more=len(ids) > page,
            loose=use_loose,
            coverage=cover,
        )

    async def _mentioning(
        self, query: Query, *, order: Literal["newest", "oldest"], page: int, title: str
    ) -> Answer | None:
        """Events that name the asked-about places in their text, wherever they are placed
        ("Turkey consulate": Turkey's consulates in another country), or None."""
        names = tuple(
            tuple(dict.fromkeys(n.lower() for n in (p.name, *p.aliases) if len(n) > 2))
            for p in query.places
        )
        wide = replace(
            query,
            places=(),
            place_keys=None,
            border_of=None,
            actors=(*query.actors, *(p.name for p in query.places)),
            actor_names=(*query.actor_names, *names),
        )
        found = await self.answer(
            wide, loose=False, order=order, page=page, title=title, with_coverage=False
        )
        return found if found.events else None

    def _view(self, record: EventRecord) -> EventView:
        place = self.gazetteer.get(record.place_key) if record.place_key else None
        return event_view(record, place.name if place is not None else None)

    def _unknown(self, query: Query, *, order: Literal["newest", "oldest"], title: str) -> Answer:
        name = query.unknown_name or ""
        names = dict.fromkeys(p.name for p in self.gazetteer.suggest(name, 6))
        return replace(
            self._frame(query, order=order, title=title),
            kind="unknown_place",
            unknown_name=name,
            suggestions=tuple(names)[:3],
        )

    def _frame(self, query: Query, *, order: Literal["newest", "oldest"], title: str) -> Answer:
        places = tuple(self._answer_place(p) for p in query.places)
        border = f"{query.border_of.name} border crossings" if query.border_of else ""
        return Answer(
            kind="nothing",
            query=query,
            places=places,
            border_label=border,
            window_label=query.window.label if query.window else "",
            focus=(*query.actors, *query.words),
            order=order,
            title=title,
        )

    def _answer_place(self, place: Place) -> AnswerPlace:
        return AnswerPlace(place.key, place.name, self.gazetteer.context_label(place.key))

    async def latest(self, count: int, now: datetime) -> Answer:
        """The newest events anywhere (/latest N)."""
        count = max(1, min(count, MAX_LATEST))
        query = self.understand("", now)
        return await self.answer(query, page=count, title=f"Latest {count} events")

    async def timeline(self, place_name: str, now: datetime, offset: int = 0) -> Answer:
        """A place's events, oldest first (/timeline PLACE)."""
        place = self.gazetteer.resolve(place_name)
        if place is None:
            query = Query(text=place_name, unknown_name=place_name.strip()[:80] or "?")
            return self._unknown(query, order="oldest", title="Timeline")
        query = Query(
            text=place_name,
            places=(place,),
            place_keys=self.understander.scope([place], None),
        )
        return await self.answer(query, offset=offset, order="oldest", title="Timeline")

    async def search(self, words: str, now: datetime) -> Answer:
        """Events whose text matches the words (/search WORDS); any word may match, ranked."""
        query = self.understand(words, now)
        query = replace(query, unknown_name=None)
        return await self.answer(query, title="Search")

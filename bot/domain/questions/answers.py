"""Answering questions from stored events only: retrieval, scope, paging and honest 'nothing'."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import groupby
from typing import Literal

from bot.domain.actors.loading import default_registry
from bot.domain.actors.registry import ActorRegistry
from bot.domain.events.filters import ActorFacet, Coverage, EventFilter, Order
from bot.domain.events.model import (
    SEVERITY_RANK,
    EventView,
)
from bot.domain.events.records import EventRecord, event_view
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind
from bot.domain.questions.counting import TOTAL_CAP, Tallier
from bot.domain.questions.kinds import kind_labels, kinds_filter
from bot.domain.questions.ports import EventFacts, EventReader
from bot.domain.questions.relax import WINDOW_STEP, relaxations
from bot.domain.questions.since import resolve_since
from bot.domain.questions.storewords import LexiconSource, check_words
from bot.domain.questions.tally import Tally
from bot.domain.questions.understand import Query, Understander

log = logging.getLogger(__name__)

PAGE = 5
CODED_ONLY = "government of "  # actor names matched in coded actor fields only (see ActorFacet)
MAX_LATEST = 20

AnswerKind = Literal["events", "nothing", "unknown_place", "numbers"]


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
    order: Order = "newest"
    title: str = ""
    total: int = 0  # events matching in all (a floor when total_capped)
    total_capped: bool = False
    tally: Tally | None = None  # numbers: counts, sums, breakdowns and rankings
    relaxed: tuple[str, ...] = ()  # what was relaxed to find anything, in order
    notes: tuple[str, ...] = ()  # what could not be read as asked ("since the fall of …")
    outside: tuple[int, date] | None = None  # nothing in the window: matches outside, newest day
    sources: dict[int, int] = field(default_factory=dict)  # merged events: all their sources

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


def _fewest(names: tuple[str, ...]) -> tuple[str, ...]:
    """Names without those another one begins (a phrase finds its longer forms): a short OR."""
    kept: list[str] = []
    for name in sorted(dict.fromkeys(n.lower() for n in names), key=len):
        if not any(name.startswith(k + " ") or name == k for k in kept):
            kept.append(name)
    return tuple(kept)


def filter_for(query: Query) -> EventFilter:
    """The retrieval filter of a query: its place scope, window, kinds, actors in their roles
    (facets) and its leftover words (full-text groups, all must match)."""
    types, subs, words = kinds_filter(query.kinds)
    actors = tuple(
        ActorFacet(
            query.role_of(i),
            tuple(n for n in names if not n.startswith(CODED_ONLY)),
            tuple(n for n in names if n.startswith(CODED_ONLY)),
        )
        for i, names in enumerate(query.actor_names)
    )
    return EventFilter(
        place_keys=query.place_keys,
        first=query.first_date,
        last=query.last_date,
        # Each actor's names also as a full-text group: the index narrows to events naming the
        # actor anywhere (fast on any store size); the facet then checks the role.
        term_groups=(*query.text_groups_all(), *(_fewest(n) for n in query.actor_names if n)),
        match_all=True,
        event_types=types,
        sub_event_types=subs,
        kind_words=words,
        actors=actors,
        lethal=query.lethal,
    )


class AnswerService:
    """Understands questions and answers them from the store."""

    def __init__(
        self,
        reader: EventReader,
        gazetteer: Gazetteer,
        actors: ActorRegistry | None = None,
        facts: EventFacts | None = None,
    ) -> None:
        self._reader = reader
        self.gazetteer = gazetteer
        self.understander = Understander(
            gazetteer, actors=actors if actors is not None else default_registry()
        )
        self._counter = Tallier(reader, gazetteer, facts)

    def understand(self, question: str, now: datetime, previous: Query | None = None) -> Query:
        """Read a question relative to the reader's local `now`."""
        return self.understander.understand(question, now, previous)

    async def ask(
        self, question: str, now: datetime, previous: Query | None = None, *, page: int = PAGE
    ) -> Answer:
        """Answer a question in the reader's words (`page` events at most)."""
        query = self.understand(question, now, previous)
        notes: tuple[str, ...] = ()
        if (query.words or query.unknown_name) and isinstance(self._reader, LexiconSource):
            # leftover words read against the stored events' words (storewords.py)
            query, notes = check_words(query, await self._reader.lexicon())
        if query.since_fall_of and query.window is None:
            query, fall = await resolve_since(query, now, self._reader, self.understander)
            notes = (*notes, *fall)
        answer = await self.answer(query, page=page)
        return replace(answer, notes=notes) if notes else answer

    async def answer(
        self,
        query: Query,
        *,
        offset: int = 0,
        loose: bool | None = None,
        order: Order = "newest",
        page: int = PAGE,
        title: str = "",
        with_coverage: bool = True,
        relax: bool = True,
    ) -> Answer:
        """Retrieve a page of events for a query (strict terms first, then any term); when
        nothing matches, relax the question step by step (saying so) before saying nothing."""
        if query.intent != "list" and offset == 0:
            return await self._numbers(query, order=order, page=page, title=title, relax=relax)
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
                relax=False,
            )
            if found.events or offset:
                return found
            return self._unknown(query, order=order, title=title)
        base = self._frame(query, order=order, title=title)
        flt = filter_for(query)
        groups = tuple(query.text_groups_all())  # the words (actors' names only narrow)
        # A first page is searched as far as its total is counted (TOTAL_CAP + 1, the same
        # ordered search), so the total needs no second search.
        counted_ids: list[int] | None = None
        async with self._reader.reads() as reads:
            use_loose = bool(loose)
            ids: list[int] = []
            if not use_loose and offset == 0:
                counted_ids = await reads.search(flt, limit=max(page, TOTAL_CAP) + 1, order=order)
                ids = counted_ids[: page + 1]
            elif not use_loose:
                ids = await reads.search(flt, limit=page + 1, offset=offset, order=order)
            if loose is None and not ids and len(groups) > 1 and offset == 0:
                use_loose = True
            if use_loose:
                flt = replace(flt, match_all=False, term_groups=groups)
                ids = await reads.search(flt, limit=page + 1, offset=offset, order=order)
            records = await reads.load(ids[:page])
        need_cover = not ids and with_coverage  # read only for an answer that shows it
        events = [self._view(r) for r in records]
        if use_loose:
            # Ranked by relevance to pick them; shown newest first like every answer.
            events.sort(key=lambda e: (e.when.first_day(), e.id), reverse=order == "newest")
        events = _severe_first_within_day(events)
        if not events and offset == 0 and query.places and not use_loose and with_coverage:
            wide = await self._mentioning(query, order=order, page=page, title=title)
            if wide is not None:
                return replace(wide, places=base.places, widened=True)
        if not events and offset == 0 and relax:
            nothing = replace(base, loose=use_loose)  # the strict "nothing", for a window
            relaxed = await self._relaxed(query, nothing, need_cover, order=order, page=page)
            if relaxed is not None:
                return relaxed
        cover = await self._coverage(query.place_keys) if need_cover else None
        total, capped, counted = offset + len(events), False, None
        if len(ids) > page and not use_loose:  # any-word matches have no meaningful total
            level = self._breakdown_level(query)
            if counted_ids is not None and page <= TOTAL_CAP:
                total, capped, counted = await self._counter.total_of(counted_ids, breakdown=level)
            else:
                totals = await self._counter.total(flt, order=order, breakdown=level)
                total, capped, counted = totals
        return replace(
            base,
            kind="events" if events else "nothing",
            events=tuple(events),
            offset=offset,
            has_more=len(ids) > page,
            loose=use_loose,
            coverage=cover,
            total=max(total, offset + len(events)),
            total_capped=capped,
            tally=counted,
            sources=await self._counter.source_counts([e.id for e in events]),
        )

    def _breakdown_level(self, query: Query) -> str:
        """Breakdowns by first-level subdivision for a country question, else by kind only."""
        if len(query.places) == 1 and query.places[0].kind is PlaceKind.COUNTRY:
            return "province"
        if not query.places and not query.border_of:
            return "country" if not self.gazetteer.focus else "province"
        return ""

    async def _coverage(self, place_keys: frozenset[str] | None) -> Coverage:
        async with self._reader.reads() as reads:
            return await reads.coverage(place_keys)

    async def _relaxed(
        self, query: Query, strict: Answer, cover: bool, *, order: Order, page: int
    ) -> Answer | None:
        """The first looser reading of the query that finds events, noting every step
        (`strict`: the query's own answer, nothing; `cover`: with the records' reach)."""
        notes: list[str] = []
        for looser, note in relaxations(query, self.understander):
            notes.append(note)
            found = await self.answer(
                looser, order=order, page=page, title=strict.title, with_coverage=False, relax=False
            )
            if not found.events:
                continue
            if note.startswith(WINDOW_STEP):
                # The window the reader gave holds nothing: say so, and where matches are.
                newest = max(e.when.first_day() for e in found.events)
                reach = await self._coverage(query.place_keys) if cover else None
                return replace(strict, coverage=reach, outside=(found.total, newest))
            return replace(found, relaxed=tuple(notes), query=looser)
        return None

    async def _numbers(
        self, query: Query, *, order: Order, page: int, title: str, relax: bool
    ) -> Answer:
        """A count, a sum of reported fatalities or a ranking, with the newest events behind it."""
        level = query.rank_level if query.intent == "rank" else self._breakdown_level(query)
        found, ids = await self._counter.numbers(filter_for(query), query, level=level)
        if not ids and relax:
            notes: list[str] = []
            for looser, note in relaxations(query, self.understander):
                notes.append(note)
                wide = await self._numbers(looser, order=order, page=page, title=title, relax=False)
                if wide.tally is not None and wide.tally.events:
                    return replace(wide, relaxed=tuple(notes))
        async with self._reader.reads() as reads:
            records = await reads.load(ids[:page])
        events = _severe_first_within_day([self._view(r) for r in records])
        base = self._frame(query, order=order, title=title)
        return replace(
            base,
            kind="numbers",
            events=tuple(events),
            has_more=len(ids) > page,
            total=found.events,
            total_capped=found.capped,
            tally=found,
            sources=await self._counter.source_counts([e.id for e in events]),
        )

    async def _mentioning(
        self, query: Query, *, order: Order, page: int, title: str
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
            text_groups=(*query.text_groups, *names),
        )
        found = await self.answer(
            wide, loose=False, order=order, page=page, title=title, with_coverage=False, relax=False
        )
        return found if found.events else None

    def _view(self, record: EventRecord) -> EventView:
        place = self.gazetteer.get(record.place_key) if record.place_key else None
        return event_view(record, place.name if place is not None else None)

    def _unknown(self, query: Query, *, order: Order, title: str) -> Answer:
        name = query.unknown_name or ""
        names = dict.fromkeys(p.name for p in self.gazetteer.suggest(name, 6))
        return replace(
            self._frame(query, order=order, title=title),
            kind="unknown_place",
            unknown_name=name,
            suggestions=tuple(names)[:3],
        )

    def _frame(self, query: Query, *, order: Order, title: str) -> Answer:
        places = tuple(self._answer_place(p) for p in query.places)
        border = f"{query.border_of.name} border crossings" if query.border_of else ""
        return Answer(
            kind="nothing",
            query=query,
            places=places,
            border_label=border,
            window_label=query.window.label if query.window else "",
            focus=(*query.actors, *kind_labels(query.kinds), *query.words),
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

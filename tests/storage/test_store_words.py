"""Question words read against the stored events' words, through the real answers, store and
template, on SQLite and PostgreSQL; words of events stored later (by another process) are learnt."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest

from bot.bootstrap import Services
from bot.domain.events.model import EventDraft, Origin, SourceInfo
from bot.domain.questions.storewords import check_words
from bot.domain.questions.timetypes import FuzzyDate
from bot.domain.questions.understand import Query
from bot.render.environment import Renderer, create_environment
from bot.store.event_words import EventWords
from tests.support.bulk import domain_at

RENDER = Renderer(create_environment())
NOW = datetime(2021, 9, 1, 8, 0, tzinfo=UTC)


def _event(summary: str, day: int, place: str, key: str) -> EventDraft:
    return EventDraft(
        summary=summary,
        when=FuzzyDate.day(date(2021, 6, day)),
        place_key=place,
        place_text=place,
        actors=("Taliban",),
        event_type="Battles",
        sub_event_type="Armed clash",
        sources=(SourceInfo("ACLED"),),
        external_key=key,
        origin=Origin.IMPORT,
    )


@pytest.fixture
async def domain(db_url: str) -> AsyncIterator[Services]:
    async with domain_at(db_url) as d:
        await d.events.add(
            _event("Fighters clashed with soldiers around Sangtoda village.", 12, "tarinkot", "a:1")
        )
        yield d


async def test_a_misspelt_stored_name_is_read_and_a_word_no_event_holds_is_ignored(
    domain: Services,
) -> None:
    answer = await domain.answers.ask("what happend at Sangtodda?", NOW)
    assert [e.summary[:18] for e in answer.events] == ["Fighters clashed w"]
    assert answer.notes == ("read Sangtodda as Sangtoda",)
    assert "Read Sangtodda as Sangtoda." in RENDER.render("answer.html", a=answer)
    answer = await domain.answers.ask("clashes in Uruzgan xqzvbl", NOW)
    assert len(answer.events) == 1 and answer.notes == ("ignored: xqzvbl",)
    assert "Ignored: xqzvbl." in RENDER.render("answer.html", a=answer)
    # nothing else asked: the word is searched, and nothing honestly found
    alone = await domain.answers.ask("xqzvbl", NOW)
    assert (alone.kind, alone.events, alone.notes) == ("nothing", (), ())


async def test_words_of_events_stored_later_are_learnt(db_url: str, domain: Services) -> None:
    first = await domain.answers.ask("clashes in Uruzgan Dehqanabd", NOW)
    assert first.notes == ("ignored: dehqanabd",)  # no event holds it, nor anything close
    async with domain_at(db_url) as other:  # another process stores an event
        await other.events.add(
            _event("A clash was reported in Dehqanabad hamlet.", 15, "tarinkot", "a:2")
        )
    answer = await domain.answers.ask("clashes in Uruzgan Dehqanabd", NOW)
    assert answer.notes == ("read dehqanabd as dehqanabad",)
    assert [e.summary[:12] for e in answer.events] == ["A clash was "]


async def test_a_large_store_is_learnt_in_the_background(domain: Services) -> None:
    words = EventWords(domain.sessions, inline=0)  # every store is "large"
    first = await words.lexicon()
    assert not first.complete  # answers meanwhile correct and drop nothing
    learnt = await words.ready()
    assert learnt.complete and learnt.knows("Sangtoda")
    checked, notes = check_words(
        Query(text="q", words=("sangtodda", "xqzvbl"), kinds=("x",)), learnt
    )
    assert (checked.words, notes) == (
        ("sangtoda",),
        ("read sangtodda as sangtoda", "ignored: xqzvbl"),
    )

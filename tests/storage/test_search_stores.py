"""Full-text search on both stores: the same events found for the same filters, and PostgreSQL's
stored vector (migration 0010) used by the search and kept current by every write."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.bootstrap import Services, open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.filters import ActorFacet, EventFilter
from bot.domain.events.model import EventDraft
from bot.domain.questions.timetypes import FuzzyDate
from bot.store.eventreads import open_reads
from bot.store.migrate import upgrade
from bot.store.search_pg import pg_plan, pg_search_statement
from bot.store.search_pg_plan import PG_CAP, PgPlan
from bot.store.session import create_engine
from tests.support import dbtools
from tests.support.question_events import NOW

pytestmark = [pytest.mark.pg, pytest.mark.slow]


def _draft(summary: str, day: int, place: str, actors: tuple[str, ...] = ()) -> EventDraft:
    return EventDraft(
        summary=summary,
        when=FuzzyDate.day(date(2024, 3, day)),
        place_key=place,
        place_text=place.title(),
        actors=actors,
    )


# Our own sentences: stems, stop words inside phrases, hyphens, accents, other scripts, numbers.
EVENTS: dict[str, EventDraft] = {
    "attacks": _draft("Gunmen attacked a checkpoint on the ring road", 2, "homs"),
    "attacking": _draft("Militia fighters were attacking the airport perimeter", 3, "homs"),
    "crossed": _draft("Hundreds of families crossed into the neighbouring country", 4, "aleppo"),
    "crossing": _draft("The border crossing reopened for trucks of grain", 5, "aleppo"),
    "hyphen": _draft("A pro-government militia took the hill near the dam", 6, "idlib"),
    "accents": _draft("Protesters gathered in the square of Ḩimş after prayers", 7, "homs"),
    "cyrillic": _draft("Обстріл Харкова пошкодив електростанцію", 8, "kharkiv"),
    "arabic": _draft("انفجار قرب سوق المدينة", 9, "aleppo"),
    "numbers": _draft("A convoy of 3.5 tonnes of aid reached route 66", 10, "idlib"),
    "actor": _draft("Shelling hit the market", 11, "idlib", actors=("Tahrir al-Sham",)),
    "old": _draft("Gunmen attacked a police post at night", 1, "idlib"),
}

_MANY = tuple(f"nowhere-{i}" for i in range(2_500))
FILTERS: list[EventFilter] = [
    EventFilter(term_groups=(("attack",),)),
    EventFilter(term_groups=(("attacks",),), place_keys=frozenset({"homs"})),
    EventFilter(term_groups=(("crossed into",),)),
    EventFilter(term_groups=(("crossing",),)),
    EventFilter(term_groups=(("pro government",),)),
    EventFilter(term_groups=(("pro-government militia",),)),
    EventFilter(term_groups=(("hims",),)),
    EventFilter(term_groups=(("Ḩimş",),)),
    EventFilter(term_groups=(("харкова",),)),
    EventFilter(term_groups=(("سوق",),)),
    EventFilter(term_groups=(("3.5 tonnes",),)),
    EventFilter(term_groups=(("route 66",),)),
    EventFilter(term_groups=(("al sham",),)),
    EventFilter(term_groups=(("gunmen",), ("checkpoint", "police"))),
    EventFilter(term_groups=(("gunmen",),), first=date(2024, 3, 2), last=date(2024, 3, 31)),
    EventFilter(term_groups=(("militia",),), place_keys=frozenset({"homs", "idlib"})),
    EventFilter(term_groups=(("nothing like this",),)),
    EventFilter(place_keys=frozenset({"aleppo", "idlib"}), first=date(2024, 3, 5)),
    # A country's scope: thousands of place keys, most with no event (one array on PostgreSQL).
    EventFilter(term_groups=(("militia",),), place_keys=frozenset({"homs", "idlib", *_MANY})),
    EventFilter(
        place_keys=frozenset({"idlib", *_MANY}),
        actors=(ActorFacet("any", ("tahrir al-sham",)),),
    ),
]
# Any term (ranked, then shown newest first): the same events, compared as sets.
ANY_TERM: list[EventFilter] = [
    EventFilter(term_groups=(("grain",), ("prayers",), ("dam",)), match_all=False),
    EventFilter(term_groups=(("attacked",), ("shelling",)), match_all=False),
]


@pytest.fixture
def pg_fresh(pg_template: str | None) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database."""
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, pg_template) as url:
        yield url


@pytest.fixture
def pg_empty() -> Iterator[str]:
    """An empty PostgreSQL database (no migrations)."""
    base = dbtools.pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {dbtools.PG_ENV}")
    with dbtools.pg_database(base, None) as url:
        yield url


@pytest.fixture
async def stores(
    tmp_path: Path, sqlite_template: Path, pg_fresh: str
) -> AsyncIterator[tuple[Services, Services]]:
    """The same events on a fresh SQLite store and a fresh PostgreSQL store."""
    lite = dbtools.copy_sqlite(sqlite_template, tmp_path)
    settings = [Settings(_env_file=None, database_url=u) for u in (lite, pg_fresh)]  # type: ignore[call-arg]
    async with (
        open_services(settings[0], FixedClock(NOW)) as s,
        open_services(settings[1], FixedClock(NOW)) as p,
    ):
        for d in (s, p):
            await d.events.add_many(list(EVENTS.values()))
        yield s, p


async def _found(d: Services, flt: EventFilter, labels: dict[int, str]) -> list[str]:
    async with open_reads(d.sessions) as reads:
        return [labels[i] for i in await reads.search(flt, limit=50)]


async def _labels(d: Services) -> dict[int, str]:
    by_summary = {e.summary: label for label, e in EVENTS.items()}
    async with d.sessions() as session:
        rows = (await session.execute(text("SELECT id, summary FROM events"))).all()
    return {int(i): by_summary[s] for i, s in rows}


async def test_both_stores_find_the_same_events(stores: tuple[Services, Services]) -> None:
    lite, pg = stores
    lite_labels, pg_labels = await _labels(lite), await _labels(pg)
    found_somewhere = 0
    for flt in FILTERS:
        on_sqlite = await _found(lite, flt, lite_labels)
        assert await _found(pg, flt, pg_labels) == on_sqlite, flt
        found_somewhere += bool(on_sqlite)
    for flt in ANY_TERM:
        on_sqlite = await _found(lite, flt, lite_labels)
        assert sorted(await _found(pg, flt, pg_labels)) == sorted(on_sqlite), flt
        assert on_sqlite
    assert found_somewhere == len(FILTERS) - 1  # only "nothing like this" finds nothing
    expected = {
        0: ["attacking", "attacks", "old"],  # stems: attack, attacked, attacking
        2: ["crossed"],  # the stop word stays in the phrase: not "crossing"
        6: ["accents"],  # accents folded
        13: ["attacks", "old"],
    }
    for index, labels in expected.items():
        assert sorted(await _found(pg, FILTERS[index], pg_labels)) == labels


async def test_every_postgresql_plan_finds_the_same_events(
    stores: tuple[Services, Services],
) -> None:
    """Whatever the counts choose, the events and their order are the same."""
    _, pg = stores
    labels = await _labels(pg)
    async with pg.sessions() as session:
        chosen = {(await pg_plan(session, flt)).drive for flt in FILTERS}
        for flt in FILTERS + ANY_TERM:
            results = []
            for drive in ("candidates", "matches", "walk"):
                for order in ("newest", "oldest"):
                    stmt = pg_search_statement(flt, limit=50, order=order, plan=PgPlan(drive))
                    assert stmt is not None
                    ids = (await session.scalars(stmt)).all()
                    results.append([labels[i] for i in ids])
            newest, oldest = results[0::2], results[1::2]
            if flt.match_all:
                assert all(r == newest[0] for r in newest), flt
                assert all(r == list(reversed(newest[0])) for r in oldest), flt
            else:  # ranked: the same events
                assert all(sorted(r) == sorted(newest[0]) for r in newest + oldest), flt
    assert len(chosen) > 1  # the fixture's filters exercise more than one plan


async def test_a_windowed_walk_finds_a_prefix_of_the_full_walk(
    stores: tuple[Services, Services],
) -> None:
    """Within its window the walk finds the first matches in order; a full page from it is
    the full walk's page (else pg_search_ids searches again without the window)."""
    _, pg = stores
    walk = PgPlan("walk", matches=PG_CAP)
    async with pg.sessions() as session:
        for flt in FILTERS:
            for order in ("newest", "oldest"):
                for window in (1, 3, 1_000):
                    full = pg_search_statement(flt, limit=50, order=order, plan=walk)
                    part = pg_search_statement(flt, limit=50, order=order, plan=walk, window=window)
                    if full is None:
                        assert part is None
                        continue
                    assert part is not None
                    every = list((await session.scalars(full)).all())
                    found = list((await session.scalars(part)).all())
                    assert found == every[: len(found)], (flt, order, window)
                    if window == 1_000:
                        assert found == every, (flt, order)


async def test_the_stored_vector_follows_every_write(stores: tuple[Services, Services]) -> None:
    _, pg = stores
    labels = await _labels(pg)
    hill = EventFilter(term_groups=(("hill",),))
    dam = EventFilter(term_groups=(("reservoir",),))
    [event_id] = [i for i, label in labels.items() if label == "hyphen"]
    assert await _found(pg, hill, labels) == ["hyphen"]
    await pg.events.edit(event_id, summary="A militia took the reservoir")
    assert await _found(pg, hill, labels) == []
    assert await _found(pg, dam, labels) == ["hyphen"]
    async with pg.sessions.begin() as session:  # a raw write: the trigger keeps the vector too
        await session.execute(
            text("UPDATE events SET place_text = 'Tabqa reservoir' WHERE id = :i"), {"i": event_id}
        )
        await session.execute(text("DELETE FROM events WHERE summary LIKE 'Gunmen%'"))
    assert await _found(pg, EventFilter(term_groups=(("tabqa",),)), labels) == ["hyphen"]
    assert await _found(pg, EventFilter(term_groups=(("gunmen",),)), labels) == []


async def test_postgresql_searches_the_stored_vector_through_its_index(
    stores: tuple[Services, Services],
) -> None:
    _, pg = stores
    stmt = pg_search_statement(EventFilter(term_groups=(("grain",),)), limit=6)
    assert stmt is not None
    async with pg.sessions() as session:
        await session.execute(  # enough other events that an index pays
            text(
                "INSERT INTO events (summary, date_start, date_last, date_precision, place_text,"
                " location_precision, actors_text, event_type, sub_event_type, severity,"
                " claim_status, claim_note, status, origin, reviewed, reported_at, created_at,"
                " updated_at) SELECT 'Routine patrol ' || n, DATE '2024-01-01' + n % 60,"
                " DATE '2024-01-01' + n % 60, 'day', 'Somewhere', 'exact', '', '', '',"
                " 'routine', 'reported', '', 'published', 'admin', true, now(), now(), now()"
                " FROM generate_series(1, 5000) AS n"
            )
        )
        # New entries wait in the GIN index's pending list until a vacuum (autovacuum) merges them.
        await session.execute(text("SELECT gin_clean_pending_list('events_fts_vector')"))
        await session.execute(text("ANALYZE events"))
        compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        plan = "\n".join(r[0] for r in (await session.execute(text(f"EXPLAIN {compiled}"))).all())
    assert "events_fts_vector" in plan, plan  # the GIN index on the stored column
    assert "to_tsvector" not in plan  # nothing recomputed per row


async def test_migration_0010_converts_existing_events(pg_empty: str) -> None:
    url = pg_empty
    await upgrade(url, "0009")
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO events (summary, date_start, date_last, date_precision,"
                    " place_text, location_precision, actors_text, event_type,"
                    " sub_event_type, severity, claim_status, claim_note, status, origin,"
                    " reviewed, reported_at, created_at, updated_at) VALUES ('Floods cut"
                    " the valley road', '2024-03-01', '2024-03-01', 'day', 'Valley', 'exact',"
                    " '', '', '', 'routine', 'reported', '', 'published', 'admin', true,"
                    " now(), now(), now())"
                )
            )
        await upgrade(url)
        async with engine.connect() as conn:
            found = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM events WHERE search_vector @@"
                        " phraseto_tsquery('sitrep_search', 'valley roads')"
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    assert found == 1

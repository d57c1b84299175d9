"""One happening, one entry: the merge pass on both stores (bot.domain.events.merge_pass)."""

from __future__ import annotations

from datetime import date

from bot.bootstrap import open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.domain.events.merge_pass import merge_twins
from bot.domain.events.model import EventDraft, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from tests.support.table_events import NOW

DAY = FuzzyDate.day(date(2021, 8, 12))
TB, ANDSF = "Taliban", "Military Forces of Afghanistan (2004-2021)"
TAKE = "Non-state actor overtakes territory"


def _drafts() -> dict[str, EventDraft]:
    return {
        # ACLED's row, UCDP's row and an outlet's article about one happening in Kandahar city
        "acled": EventDraft(
            "Insurgents took the governor's compound and the city prison.",
            DAY,
            "kandahar-city",
            "Kandahar",
            actors=(TB, ANDSF),
            event_type="Battles",
            sub_event_type=TAKE,
            actor1=(TB,),
            actor2=(ANDSF,),
            fatalities=0,
            sources=(SourceInfo("ACLED"),),
            external_key="acled:AFG1001",
        ),
        "ucdp": EventDraft(
            "Government of Afghanistan - Taleban: fighting for Kandahar city.",
            FuzzyDate(date(2021, 8, 10), DAY.precision, date(2021, 8, 12)),
            "kandahar",
            "Kandahar province",
            actors=("Government of Afghanistan", "Taleban"),
            event_type="Battles",
            sub_event_type="State-based conflict",
            actor1=("Government of Afghanistan",),
            actor2=("Taleban",),
            fatalities=14,
            sources=(SourceInfo("UCDP GED"),),
            external_key="ucdp:501",
        ),
        "article": EventDraft(
            "Kandahar city fell to the Taliban as insurgents took the governor's compound",
            DAY,
            "kandahar-city",
            "Kandahar",
            actors=(TB,),
            sources=(SourceInfo("Outlet", "https://example.org/k"),),
            external_key="feed:k1",
        ),
        # a second ACLED row the same day and place, same type: its own coded event, never merged
        "acled_other": EventDraft(
            "Insurgents took the police district headquarters in the city's east.",
            DAY,
            "kandahar-city",
            "Kandahar",
            actors=(TB, ANDSF),
            event_type="Battles",
            sub_event_type=TAKE,
            actor1=(TB,),
            actor2=(ANDSF,),
            fatalities=0,
            sources=(SourceInfo("ACLED"),),
            external_key="acled:AFG1002",
        ),
        # a protest the same day in the same city: another happening
        "protest": EventDraft(
            "Former soldiers gathered outside the governor's office over unpaid wages.",
            DAY,
            "kandahar-city",
            "Kandahar",
            actors=("Protesters (Afghanistan)",),
            event_type="Protests",
            sub_event_type="Peaceful protest",
            actor1=("Protesters (Afghanistan)",),
            sources=(SourceInfo("ACLED"),),
            external_key="acled:AFG1003",
        ),
    }


async def test_one_happening_from_several_sources_becomes_one_event(db_url: str) -> None:
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW)) as services:
        drafts = _drafts()
        results = await services.events.add_many(list(drafts.values()))
        ids = {label: r.event.id for label, r in zip(drafts, results, strict=True)}
        first, last = date(2021, 8, 1), date(2021, 8, 31)
        done = await merge_twins(
            services.merges, services.gazetteer, first, last, services.actors.registry
        )
        heads = {h for h in done}
        merged = {i for v in done.values() for i in v}
        assert merged == {ids["ucdp"], ids["article"]}
        assert heads == {ids["acled"]} or heads == {ids["acled_other"]}
        assert ids["protest"] not in merged and ids["protest"] not in heads
        assert not ({ids["acled"], ids["acled_other"]} <= merged | heads)  # one ACLED row each
        # Running the pass again changes nothing.
        assert (
            await merge_twins(
                services.merges, services.gazetteer, first, last, services.actors.registry
            )
            == {}
        )
        # The answer lists the happening once, with every source counted.
        answer = await services.answers.ask("takeovers in Kandahar city", NOW, page=20)
        shown = [e.id for e in answer.events]
        head = next(iter(heads))
        assert head in shown and not merged & set(shown)
        assert answer.sources[head] == 3
        # Split restores every account.
        freed = await services.merges.split(head)
        assert set(freed or []) == merged
        answer = await services.answers.ask("takeovers in Kandahar city", NOW, page=20)
        assert ids["article"] in {e.id for e in answer.events}

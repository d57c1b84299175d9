"""Fixture events for the edition tests: two crises (Darfur and western Afghanistan) over two
weeks, with several sources, a merged twin, a vague place, an unreviewed item, a claim,
background and events of the week before (for trends). Summaries are our own words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update

from bot.bootstrap import Services
from bot.domain.events.model import (
    ClaimStatus,
    EventDraft,
    LocationPrecision,
    Severity,
    SourceInfo,
)
from bot.domain.questions.timetypes import FuzzyDate
from bot.store.models.events import EventRow

DAY = date(2024, 5, 20)  # the edition's local date (a Monday); deliveries at 07:00 UTC
ZONE = "UTC"
MINUTE = 7 * 60


@dataclass(frozen=True)
class Spec:
    """One fixture event: days before DAY it happened and was reported, and what it was."""

    name: str
    summary: str
    place: str
    happened: int
    reported: int
    event_type: str = "Battles"
    severity: Severity = Severity.NOTABLE
    outlets: tuple[str, ...] = ("Darfur Monitor",)
    reviewed: bool = True
    precision: LocationPrecision = LocationPrecision.EXACT
    claim: ClaimStatus = ClaimStatus.REPORTED
    merged_into: str = ""


SPECS: tuple[Spec, ...] = (
    # the day before the edition
    Spec(
        "fasher_shelling",
        "Artillery fire hit a market in El Fasher, killing at least twelve "
        "people. Medics said the main hospital was overwhelmed.",
        "el-fasher-g84v7",
        1,
        1,
        "Explosions/Remote violence",
        Severity.FLASH,
        ("Darfur Monitor", "Radio Dabanga", "AFP"),
    ),
    Spec(
        "fasher_twin",
        "Shells struck a crowded market in El Fasher on Sunday morning.",
        "el-fasher-g84v7",
        1,
        1,
        "Explosions/Remote violence",
        outlets=("Sudan Tribune",),
        merged_into="fasher_shelling",
    ),
    Spec(
        "kabkabiya_clash",
        "Fighters clashed with an armed convoy west of Kabkabiya.",
        "kabkabiyah-g7zym",
        1,
        1,
        outlets=("Radio Dabanga",),
        precision=LocationPrecision.NEAR,
        claim=ClaimStatus.CLAIMED,
    ),
    Spec(
        "nyala_protest",
        "Residents of Nyala marched against rising bread prices.",
        "nyala-g7wq4",
        1,
        1,
        "Protests",
        Severity.ROUTINE,
        ("Radio Dabanga",),
    ),
    Spec(
        "shindand_raid",
        "Police said gunmen raided a checkpoint outside Shindand overnight.",
        "shindand",
        1,
        1,
        outlets=("Pajhwok",),
        reviewed=False,
    ),
    Spec(
        "islam_qala_queue",
        "Hundreds of lorries queued at the Islam Qala crossing after customs work stopped.",
        "islam-qala",
        2,
        1,
        "Strategic developments",
        Severity.ROUTINE,
        ("Tolo News", "Pajhwok"),
    ),
    Spec(
        "darfur_displacement",
        "Aid agencies counted new arrivals in camps across North Darfur.",
        "north-darfur",
        2,
        1,
        "Strategic developments",
        outlets=("OCHA",),
        precision=LocationPrecision.REGION,
    ),
    Spec(
        "fasher_background",
        "A fuel depot in El Fasher burned for two days after a strike.",
        "el-fasher-g84v7",
        40,
        1,
        "Explosions/Remote violence",
        outlets=("AFP",),
    ),
    # the days before (the weekly edition's week, and the daily's previous period)
    Spec(
        "fasher_drone",
        "A drone struck the outskirts of El Fasher.",
        "el-fasher-g84v7",
        2,
        2,
        "Explosions/Remote violence",
        outlets=("AFP",),
    ),
    Spec(
        "fasher_clash_a",
        "Clashes broke out at the eastern gate of El Fasher.",
        "el-fasher-g84v7",
        2,
        2,
    ),
    Spec(
        "fasher_clash_b", "Fighting resumed near the airport of El Fasher.", "el-fasher-g84v7", 2, 2
    ),
    Spec(
        "fasher_clash_c",
        "A third day of fighting closed roads into El Fasher.",
        "el-fasher-g84v7",
        2,
        2,
    ),
    Spec(
        "kabkabiya_raid",
        "Gunmen looted a clinic in Kabkabiya.",
        "kabkabiyah-g7zym",
        4,
        4,
        "Violence against civilians",
    ),
    Spec(
        "herat_blast",
        "A roadside bomb hit a minibus in Herat city.",
        "herat",
        5,
        5,
        "Explosions/Remote violence",
        Severity.NOTABLE,
        ("Tolo News",),
    ),
    Spec(
        "nyala_clash", "Two armed groups fought in a market district of Nyala.", "nyala-g7wq4", 6, 6
    ),
)


def _at(days_before: int) -> datetime:
    """Noon UTC that many days before the edition's date."""
    return datetime.combine(DAY - timedelta(days=days_before), time(12), tzinfo=UTC)


async def store_specs(domain: Services) -> dict[str, int]:
    """Store every fixture event (first reported at noon of its report day); name -> id."""
    ids: dict[str, int] = {}
    for i, spec in enumerate(SPECS):
        sources = tuple(
            SourceInfo(outlet, f"https://news.example.org/{i}/{n}", published_at=_at(spec.reported))
            for n, outlet in enumerate(spec.outlets)
        )
        result = await domain.events.add(
            EventDraft(
                summary=spec.summary,
                when=FuzzyDate.day(DAY - timedelta(days=spec.happened)),
                place_key=spec.place,
                place_text=spec.place,
                location_precision=spec.precision,
                event_type=spec.event_type,
                severity=spec.severity,
                claim_status=spec.claim,
                sources=sources,
                reviewed=spec.reviewed,
            )
        )
        assert result.created, spec.name
        ids[spec.name] = result.event.id
    async with domain.sessions.begin() as session:
        for spec in SPECS:
            if spec.merged_into:
                await session.execute(
                    update(EventRow)
                    .where(EventRow.id == ids[spec.name])
                    .values(merged_into=ids[spec.merged_into])
                )
    return ids

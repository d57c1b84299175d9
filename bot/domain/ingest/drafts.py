"""Candidate events into unreviewed drafts: types, severity, date basis and notes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.events.model import (
    EventDraft,
    EventStatus,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.ingest import lexicon as lx
from bot.domain.ingest.candidates import Candidate, Context
from bot.domain.ingest.text import clean_sentence
from bot.domain.places.model import PlaceKind
from bot.domain.questions.timetypes import FuzzyDate, Precision

MAX_SUMMARY_SENTENCES = 3
MAX_NOTE = 255
FLASH_TOWN_POPULATION = 100_000


@dataclass(frozen=True, slots=True)
class EventDetail:
    """How one extracted event was built: its sentences and what its date rests on."""

    sentences: tuple[str, ...]
    kind: str
    date_basis: str  # "stated", "reported by" or "as of"


def _types(ctx: Context, ev: Candidate, text: str) -> tuple[str, str]:
    kind = ev.kind
    if kind.name == "takeover":
        state_forces = [a for a in ev.actors if a.endswith(" forces")]
        non_state = any(ctx.actors.non_state(a) for a in ev.actors)
        if state_forces and not non_state and lx.FIGHT_RE.search(text) is None:
            return lx.BATTLES, "Government regains territory"
        if lx.FIGHT_RE.search(text) and not lx.NO_FIGHT_RE.search(text):
            return lx.BATTLES, "Non-state actor overtakes territory"
        return lx.STRATEGIC, "Non-state actor overtakes territory"
    if kind.name in ("explosion", "casualties") and lx.ACCIDENT_RE.search(text):
        return lx.STRATEGIC, "Other"
    if lx.SUICIDE_RE.search(text):
        return lx.EXPLOSIONS, "Suicide bomb"
    if kind.name == "casualties" and lx.CIVILIAN_RE.search(text):
        return lx.VIOLENCE_CIVILIANS, "Attack"
    return kind.event_type, kind.sub_event_type


def _severity(ev: Candidate) -> Severity:
    rank = {Severity.ROUTINE: 0, Severity.NOTABLE: 1, Severity.FLASH: 2}
    sev = ev.kind.severity
    place = ev.place
    if ev.kind.name in ("takeover", "regain") and place is not None:
        big_town = place.kind is PlaceKind.TOWN and (place.population or 0) >= FLASH_TOWN_POPULATION
        if place.kind is PlaceKind.CROSSING or big_town:
            sev = Severity.FLASH
    if ev.killed and ev.killed >= 10:
        sev = Severity.FLASH
    elif (ev.killed or (ev.injured or 0) >= 10) and rank[sev] < rank[Severity.NOTABLE]:
        sev = Severity.NOTABLE
    return sev


def to_draft(
    ctx: Context, ev: Candidate, source: SourceInfo | None
) -> tuple[EventDraft, EventDetail]:
    """The draft for one candidate event and how it was built."""
    texts = [clean_sentence(s.text) for s in ev.sentences]
    joined = " ".join(texts)
    if ev.place_text and ev.place is not None and ev.place.kind is not PlaceKind.COUNTRY:
        # lead with the sentences that name the place; the rest keep their order
        texts.sort(key=lambda t: ev.place_text not in t)
    summary = " ".join(texts[:MAX_SUMMARY_SENTENCES])
    if ev.when is not None:
        when, basis = ev.when, "stated"
    else:
        when = FuzzyDate(ctx.published, Precision.DAY)
        basis = "as of" if ev.standing else "reported by"
    notes = list(ev.notes)
    if basis != "stated":
        notes.append(f"date: {basis} {when.label()}")
    if ev.injured and not ev.killed:
        notes.append(f"at least {ev.injured} injured")
    event_type, sub_type = _types(ctx, ev, joined)
    actors = list(ev.actors)
    if not actors and ev.kind.name == "takeover" and ctx.home_group:
        actors.append(ctx.home_group)
    if ev.near:
        precision = LocationPrecision.NEAR
    elif ev.place is None or ev.place.kind in (PlaceKind.COUNTRY, PlaceKind.PROVINCE):
        precision = LocationPrecision.REGION
    else:
        precision = LocationPrecision.EXACT
    draft = EventDraft(
        summary=summary,
        when=when,
        place_key=ev.place.key if ev.place else None,
        place_text=ev.place_text,
        location_precision=precision,
        actors=tuple(actors),
        event_type=event_type,
        sub_event_type=sub_type,
        severity=_severity(ev),
        claim_status=ev.claim,
        claim_note="; ".join(notes)[:MAX_NOTE],
        fatalities=ev.killed,
        sources=(source,) if source is not None else (),
        origin=Origin.INGEST,
        status=EventStatus.PUBLISHED,
        reviewed=False,
    )
    return draft, EventDetail(tuple(texts), ev.kind.name, basis)

"""Candidate events into unreviewed drafts: types, severity, date basis and notes."""

from __future__ import annotations

import re
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

MAX_SUMMARY = 200
MAX_NOTE = 255
FLASH_TOWN_POPULATION = 100_000


@dataclass(frozen=True, slots=True)
class EventDetail:
    """How one extracted event was built: its sentences and what its date rests on."""

    sentences: tuple[str, ...]
    kind: str
    date_basis: str  # "stated", "reported by" or "as of"


def _types(ctx: Context, ev: Candidate, text: str) -> tuple[str, str]:
    """ACLED type and sub-type from the sort of happening, its actors, weapon and victims."""
    kind = ev.kind
    crowd = any(lx.CROWD_RE.search(a) for a in ev.actor1)
    if kind.name in ("clash", "takeover", "riot") and crowd:
        return lx.RIOTS, "Violent demonstration"
    if kind.name == "protest":
        if lx.INTERVENTION_RE.search(text):
            return lx.PROTESTS, "Protest with intervention"
        return lx.PROTESTS, "Peaceful protest"
    if kind.name in ("takeover", "regain"):
        if lx.NO_FIGHT_RE.search(text):
            return lx.STRATEGIC, "Non-violent transfer of territory"
        non_state = any(ctx.actors.non_state(a) for a in ev.actor1)
        state = any(a.endswith(" forces") or a == "government forces" for a in ev.actor1)
        if kind.name == "regain" or (state and not non_state):
            return lx.BATTLES, "Government regains territory"
        return lx.BATTLES, "Non-state actor overtakes territory"
    if kind.name in ("explosion", "casualties") and lx.ACCIDENT_RE.search(text):
        return lx.STRATEGIC, "Other"
    if lx.SUICIDE_RE.search(text):
        return lx.EXPLOSIONS, "Suicide bomb"
    victims = " ".join([*ev.actor2, ev.clause])
    armed_victims = any(lx.ARMED_RE.search(a) for a in ev.actor2)
    civilians = lx.CIVILIAN_RE.search(victims) is not None
    civilians = civilians or (kind.name == "casualties" and ev.unarmed)  # "killed two traders"
    fight = armed_victims or lx.FIGHTING_RE.search(ev.clause) is not None
    if kind.name in ("casualties", "clash") and civilians and not fight:
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


def summary_of(ev: Candidate) -> str:
    """One neutral sentence of at most ``MAX_SUMMARY`` characters: the reporting clause,
    attribution and asides removed, cut at a word if it is still too long."""
    text = lx.SUMMARY_ATTRIBUTION_RE.sub("", ev.clause or ev.sentences[0].text)
    text = re.sub(r"\s+([,;.])", r"\1", text).strip(" ,;:-—")
    text = re.sub(r"^(?:and|but|while|as|after|that)\s+", "", text, flags=re.I)
    text = re.sub(r",?\s+(?:and|but|while)$", "", text, flags=re.I)
    if len(text) > MAX_SUMMARY:
        cut = text[: MAX_SUMMARY - 1]
        cut = cut[: cut.rfind(" ")] if " " in cut else cut
        text = cut.rstrip(" ,;:") + "…"
    if text and not text.endswith((".", "…", "!", "?")):
        text += "."
    return text[:1].upper() + text[1:]


def to_draft(
    ctx: Context, ev: Candidate, source: SourceInfo | None
) -> tuple[EventDraft, EventDetail]:
    """The draft for one candidate event and how it was built."""
    texts = [clean_sentence(s.text) for s in ev.sentences]
    joined = " ".join(texts)
    if ev.when is not None:
        when, basis = ev.when, "stated"
    elif ev.reported is not None:
        when, basis = ev.reported, "reported on"
    else:
        when = FuzzyDate(ctx.published, Precision.DAY)
        basis = "as of" if ev.standing else "reported by"
    notes = list(dict.fromkeys(ev.notes))
    if basis not in ("stated", "reported on"):
        notes.append(f"date: {basis} {when.label()}")
    if ev.fallback:
        notes.append("place: not stated, the article's main place")
    if ev.destination:
        notes.append(f"to {ev.destination}")
    event_type, sub_type = _types(ctx, ev, joined)
    if ev.weapon and event_type == lx.EXPLOSIONS and sub_type != "Suicide bomb":
        sub_type = lx.KIND_BY_NAME[lx.WEAPON_SUBTYPE.get(ev.weapon, "explosion")].sub_event_type
    actors = list(ev.actors)
    actor1 = list(ev.actor1)
    if not actor1 and ev.kind.name == "takeover" and ctx.home_group:
        actor1.append(ctx.home_group)
    for a in actor1:
        if a not in actors:
            actors.insert(0, a)
    if ev.near:
        precision = LocationPrecision.NEAR
    elif (
        ev.fallback
        or ev.place is None
        or ev.place.kind
        in (
            PlaceKind.COUNTRY,
            PlaceKind.PROVINCE,
        )
    ):
        precision = LocationPrecision.REGION
    else:
        precision = LocationPrecision.EXACT
    draft = EventDraft(
        summary=summary_of(ev),
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
        injuries=ev.injured,
        actor1=tuple(actor1),
        actor2=tuple(a for a in ev.actor2 if a not in actor1),
        excerpt="\n".join(texts),
        sources=(source,) if source is not None else (),
        origin=Origin.INGEST,
        status=EventStatus.PUBLISHED,
        reviewed=False,
    )
    return draft, EventDetail(tuple(texts), ev.kind.name, basis)

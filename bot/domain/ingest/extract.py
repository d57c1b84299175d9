"""Pure sentence-to-event extraction: a pasted news article into dated, placed, sourced drafts.

Offline rules, no model (documented choices):

* Sentences come from pysbd; headlines, photo captions and "for more reporting" lines are set
  aside (see ``extract_text``).  A sentence is split into clauses at "as", ", while", ";" and
  ", several hundred of whom" so "soldiers fled as the Taliban took control" is two happenings.
* A clause reports an event when it has a finite event verb from the lexicon (seized, fled,
  closed, called up, "withdrawal ... is complete", ...) and a place or an actor.  Plans ("will"),
  negations ("no suggestion") and background ("are pulling out", "to close") are not events.
* Dates come from ``event_date_in_text`` (clause first, then its sentence).  An undated event
  is dated the published day at day precision: "as of" for standing facts ("holds a third of
  the districts"), "reported by" otherwise; the basis is written into the claim note.
* The place is the most specific gazetteer place the clause names (ancestors such as "Herat
  province" give way to "Islam Qala crossing"); demonyms ("Afghan soldiers") are actors, not
  places.  Only countries: the one after in/into/from/across, else the subject, else the first.
  No place at all: the article's main country, at region precision.
* Sentences about the same happening become one event: same kind of happening, compatible
  places (same, nested, or one unknown), and dates that agree (an undated sentence joins a
  nearby event, or any event at the same specific place).  Standing facts stay on their own.
  Sentences that only add detail ("At least 20 people were injured", "It took three days to put
  out") join the event just before them in the same paragraph.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from bot.domain.events.model import (
    ClaimStatus,
    EventDraft,
    EventStatus,
    LocationPrecision,
    Origin,
    Severity,
    SourceInfo,
)
from bot.domain.ingest import lexicon as lx
from bot.domain.ingest.text import Sentence, Skipped, clean_sentence, split_article
from bot.domain.places.gazetteer import Gazetteer, Place, PlaceKind, PlaceMention, normalize
from bot.domain.questions.timewords import FuzzyDate, Precision, event_date_in_text

log = logging.getLogger(__name__)

__all__ = ["EventDetail", "Extraction", "Skipped", "extract_events"]

MAX_SUMMARY_SENTENCES = 3
MAX_NOTE = 255
FLASH_TOWN_POPULATION = 100_000
NEGATION_WINDOW = 60  # characters before the event verb a negation reaches

_CLAUSE_SPLIT = re.compile(
    r",?\s+(?<!such\s)(?<!well\s)as\s+(?=the\s|[A-Z])"
    r"|,\s+while\s+|;\s+"
    r"|,\s+(?:several|some|many|most|all|dozens|hundreds|thousands|scores)\s+(?:[\w-]+\s+){0,2}"
    r"of\s+whom\s+"
)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|into|inside|at|across|from|to|toward|towards|near|outside)\s+(?:the\s+)?$", re.I
)
_NEAR_BEFORE = re.compile(
    r"\b(?:near|outside|outskirts of|close to|(?:north|south|east|west)\s+of)\s+(?:the\s+)?"
    r"(?:city\s+of\s+)?$",
    re.I,
)
_REFERENCE_NP = re.compile(
    r"^(?:The|This|That)\s+(?:seizure|capture|fall|takeover|taking|loss|closure|attack on|"
    r"bombing of)\s+(?:of\s+)?(?P<np>[^,;]+?)\s+(?:is|was|marks|comes|came|follows|followed)\b"
)
_ANAPHOR = re.compile(
    r"^(?:It|They|This|These|He|She|The (?:blaze|fire|explosion|blast|attack|fighting|clashes|"
    r"assault|seizure|offensive|bombing|victims|dead|wounded))\b"
)
_STATE_NOT_ACTOR = re.compile(
    r"\b(?:in|into|inside|at|across|from|to|toward|towards|near|with|between|connecting|"
    r"outside|of\s+\w+'s)\s+(?:the\s+)?$",
    re.I,
)
_DEMONYM_SUFFIX = re.compile(r"(?:an|ans|ian|ians|i|is|ik|iks|ek|eks|ese|ish)$", re.I)
_SPECIFIC_RANK = {
    PlaceKind.CROSSING: 0,
    PlaceKind.TOWN: 1,
    PlaceKind.DISTRICT: 2,
    PlaceKind.OTHER: 3,
    PlaceKind.PROVINCE: 4,
}


@dataclass(frozen=True, slots=True)
class EventDetail:
    """How one extracted event was built: its sentences and what its date rests on."""

    sentences: tuple[str, ...]
    kind: str
    date_basis: str  # "stated", "reported by" or "as of"


@dataclass(frozen=True, slots=True)
class Extraction:
    """Events found in an article, the sentences set aside (and why), and its headline."""

    events: list[EventDraft]
    skipped: list[Skipped]
    details: list[EventDetail] = field(default_factory=list)
    title: str = ""
    sentences: int = 0


@dataclass(slots=True)
class _Clause:
    text: str
    start: int  # offset in the sentence
    end: int


@dataclass(slots=True)
class _Event:
    kind: lx.Kind
    sentences: list[Sentence]
    when: FuzzyDate | None
    standing: bool
    place: Place | None
    place_text: str
    near: bool
    actors: list[str]
    claim: ClaimStatus
    notes: list[str]
    killed: int | None = None
    injured: int | None = None

    @property
    def last(self) -> Sentence:
        return self.sentences[-1]


@dataclass(slots=True)
class _Context:
    gazetteer: Gazetteer
    published: date
    home_country: Place | None
    home_group: str | None
    events: list[_Event] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


# ----------------------------------------------------------------------------- public entry


def extract_events(
    text: str, published: date, gazetteer: Gazetteer, *, source: SourceInfo | None = None
) -> Extraction:
    """Find the events an article reports, as unreviewed drafts (origin INGEST)."""
    article = split_article(text)
    ctx = _Context(
        gazetteer=gazetteer,
        published=published,
        home_country=_home_country(article.sentences, gazetteer),
        home_group=_home_group(article.sentences),
    )
    ctx.skipped.extend(article.skipped)
    for sentence in article.sentences:
        _read_sentence(ctx, sentence)
    drafts: list[EventDraft] = []
    details: list[EventDetail] = []
    for ev in ctx.events:
        draft, detail = _to_draft(ctx, ev, source)
        drafts.append(draft)
        details.append(detail)
    log.debug("extracted %d events, skipped %d pieces", len(drafts), len(ctx.skipped))
    return Extraction(drafts, ctx.skipped, details, article.title, len(article.sentences))


# ----------------------------------------------------------------------------- article-wide


def _home_country(sentences: list[Sentence], gazetteer: Gazetteer) -> Place | None:
    """The country the article is mostly about (names and demonyms counted)."""
    counts: Counter[str] = Counter()
    for s in sentences:
        for m in gazetteer.find_in_text(s.text):
            country = _country_of(gazetteer, m.place)
            if country is not None:
                counts[country.key] += 1
    if not counts:
        return None
    return gazetteer.get(counts.most_common(1)[0][0])


def _country_of(gazetteer: Gazetteer, place: Place) -> Place | None:
    if place.kind is PlaceKind.COUNTRY:
        return place
    chain = gazetteer.ancestors(place.key)
    return chain[-1] if chain and chain[-1].kind is PlaceKind.COUNTRY else None


def _home_group(sentences: list[Sentence]) -> str | None:
    """The armed non-state group the article mentions most (the insurgents it calls "the group")."""
    counts: Counter[str] = Counter()
    for s in sentences:
        for pattern, name, non_state in lx.ACTORS:
            if non_state:
                counts[name] += len(pattern.findall(s.text))
    return counts.most_common(1)[0][0] if counts and counts.most_common(1)[0][1] else None


# ----------------------------------------------------------------------------- sentences


def _clauses(text: str) -> list[_Clause]:
    out: list[_Clause] = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        out.append(_Clause(text[pos : m.start()], pos, m.start()))
        pos = m.end()
    out.append(_Clause(text[pos:], pos, len(text)))
    return [c for c in out if c.text.strip()]


def _read_sentence(ctx: _Context, sentence: Sentence) -> None:
    text = sentence.text
    mentions = ctx.gazetteer.find_in_text(text)
    claim, notes = _claim(text)
    killed, injured = _count(lx.KILLED_RE, text), _count(lx.INJURED_RE, text)
    sentence_date = event_date_in_text(text, ctx.published)
    found = False
    reasons: list[str] = []
    for clause in _clauses(text):
        kind, verb_at = _kind_of(clause.text)
        if kind is None:
            reasons.append("no event verb")
            continue
        before_verb = clause.text[: verb_at or 0]
        if lx.FUTURE_RE.search(before_verb):
            reasons.append("a plan or possibility, not an event")
            continue
        if lx.NEGATION_RE.search(before_verb[-NEGATION_WINDOW:]):
            reasons.append("negated")
            continue
        places = _clause_places(ctx, text, mentions, clause)
        actors = _actors(ctx, clause.text, clause.start + (verb_at or 0), text)
        if not actors and not places and not before_verb.strip():
            actors = _actors(ctx, text[: clause.start], len(text), text)[-1:]
        if not places and not actors:
            target = _continuing(ctx, sentence, sentence_date)
            if target is not None:
                _attach(target, sentence, killed, injured)
                found = True
                break
            reasons.append("no place or actor")
            continue
        place, place_text, near = _pick_place(ctx, clause, places, verb_at or 0)
        when = event_date_in_text(clause.text, ctx.published) or sentence_date
        cand = _Event(
            kind=kind,
            sentences=[sentence],
            when=when,
            standing=when is None and bool(lx.STANDING_RE.search(clause.text)),
            place=place,
            place_text=place_text,
            near=near,
            actors=actors,
            claim=claim,
            notes=list(notes),
            killed=killed,
            injured=injured,
        )
        _merge_or_add(ctx, cand)
        found = True
    if found:
        return
    target = _continuing(ctx, sentence, sentence_date)
    if target is not None and (_ANAPHOR.match(text) or killed or injured):
        _attach(target, sentence, killed, injured)
        return
    ctx.skipped.append(Skipped(text, reasons[0] if reasons else "no event verb"))


def _continuing(
    ctx: _Context, sentence: Sentence, sentence_date: FuzzyDate | None
) -> _Event | None:
    """The event an undated sentence adds detail to: the one just before, same paragraph."""
    if not ctx.events or sentence_date is not None:
        return None
    last = max(ctx.events, key=lambda e: e.last.index)
    if last.last.para == sentence.para and sentence.index - last.last.index <= 2:
        return last
    return None


def _attach(ev: _Event, sentence: Sentence, killed: int | None, injured: int | None) -> None:
    if sentence not in ev.sentences:
        ev.sentences.append(sentence)
    ev.killed = _max(ev.killed, killed)
    ev.injured = _max(ev.injured, injured)


def _max(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else max(a, b)


def _kind_of(text: str) -> tuple[lx.Kind | None, int | None]:
    for kind in lx.KINDS:
        m = kind.pattern.search(text)
        if m is not None:
            return kind, m.start()
    return None, None


def _count(pattern: re.Pattern[str], text: str) -> int | None:
    best: int | None = None
    for m in pattern.finditer(text):
        word = next((g for g in m.groups() if g), None)
        if word is not None:
            best = _max(best, lx.number_value(word) or None)
    return best


# ----------------------------------------------------------------------------- claims


def _claim(text: str) -> tuple[ClaimStatus, list[str]]:
    notes: list[str] = []
    status = ClaimStatus.REPORTED
    if lx.DENIAL_RE.search(text):
        status = ClaimStatus.DENIED
        notes.append("denied")
    elif lx.CLAIM_RE.search(text):
        status = ClaimStatus.CLAIMED
        who = lx.CLAIMER_RE.search(text)
        notes.append(f"claimed by {who.group(1).strip()}" if who else "claimed")
    for m in lx.ACCORDING_RE.finditer(text):
        notes.append(f"according to {m.group(1).strip()}")
    for m in lx.SAID_RE.finditer(text):
        said = m.group(0).lstrip(", ")
        said = re.sub(r"^(?:the|The)\s+", "", said)
        if not any(said.split()[0] in n for n in notes):
            notes.append(said)
    if lx.REPORTEDLY_RE.search(text):
        notes.append("reportedly")
    return status, notes


# ----------------------------------------------------------------------------- actors


def _actors(ctx: _Context, clause: str, verb_at: int, sentence: str) -> list[str]:
    """Actors named in a clause: groups, forces by nationality, media, and acting states."""
    found: list[tuple[int, str]] = []
    for pattern, name, _non_state in lx.ACTORS:
        for m in pattern.finditer(clause):
            found.append((m.start(), name))
    if ctx.home_group:
        for m in lx.INSURGENT_RE.finditer(clause):
            found.append((m.start(), ctx.home_group))
    for m in lx.DEMONYM_ACTOR_RE.finditer(clause):
        word, noun = m.group(1), m.group(2).lower()
        if word in ("The", "Government", "Security") or noun.startswith("official"):
            continue
        country = ctx.gazetteer.country_for_word(word)
        if country is None and not _DEMONYM_SUFFIX.search(word):
            continue
        if noun.endswith("media"):
            label = f"{word} {noun}"
        elif noun in ("government", "authorities"):
            label = f"{word} government"
        elif "militia" in noun:
            label = f"{word} militia"
        else:
            label = f"{word} forces"
        found.append((m.start(), label))
    acting = True
    for m in lx.STATE_RE.finditer(clause):
        between = clause[: m.start()]
        joined = re.search(r"(?:,|\band)\s*$", between) is not None
        if not joined:
            acting = _STATE_NOT_ACTOR.search(between) is None
        if acting and m.start() < verb_at and not clause[m.end() : m.end() + 2].startswith("'"):
            found.append((m.start(), m.group(1)))
    out: list[str] = []
    for _, name in sorted(found):
        if name not in out:
            out.append(name)
    if "U.S. Central Command" in out and "U.S. forces" not in out and "troops" in sentence:
        out.append("U.S. forces")
    return out


# ----------------------------------------------------------------------------- places


def _is_demonym(m: PlaceMention) -> bool:
    if m.place.kind is not PlaceKind.COUNTRY:
        return False
    word = m.matched.strip()
    if " " in word or normalize(word) == normalize(m.place.name):
        return False
    return _DEMONYM_SUFFIX.search(word) is not None


def _clause_places(
    ctx: _Context, sentence: str, mentions: list[PlaceMention], clause: _Clause
) -> list[PlaceMention]:
    inside = [
        m
        for m in mentions
        if clause.start <= m.start < clause.end and not _is_demonym(m) and m.score >= 90
    ]
    ref = _REFERENCE_NP.match(sentence) if clause.start == 0 else None
    if ref is not None:
        known = {e.place.key for e in ctx.events if e.place is not None}
        np_start, np_end = ref.span("np")
        inside = [
            m
            for m in inside
            if not (np_start <= m.start < np_end and m.place.key in known)
            or all(np_start <= o.start < np_end for o in inside)
        ]
    return inside


def _pick_place(
    ctx: _Context, clause: _Clause, places: list[PlaceMention], verb_at: int
) -> tuple[Place | None, str, bool]:
    """The most specific place a clause names, what it says for it, and whether it is "near"."""
    gz = ctx.gazetteer
    specific = [m for m in places if m.place.kind is not PlaceKind.COUNTRY]
    chosen: PlaceMention | None = None
    if specific:
        inner_keys: set[str] = set()
        for m in specific:
            inner_keys.update(a.key for a in gz.ancestors(m.place.key))
        leaves = [m for m in specific if m.place.key not in inner_keys] or specific
        verb_pos = clause.start + verb_at
        after = [m for m in leaves if m.start >= verb_pos]
        if after:
            chosen = after[0]
        else:
            chosen = min(leaves, key=lambda m: (_SPECIFIC_RANK[m.place.kind], -m.start))
    elif places:
        rel = clause.start
        located = [
            m for m in places if _LOCATIVE_BEFORE.search(clause.text[: max(0, m.start - rel)])
        ]
        subject = [m for m in places if m.start - rel < verb_at]
        chosen = (located or subject or places)[0]
    if chosen is None:
        home = ctx.home_country
        return home, (home.name if home else ""), False
    before = clause.text[: max(0, chosen.start - clause.start)]
    return chosen.place, chosen.matched, _NEAR_BEFORE.search(before) is not None


def _places_fit(gz: Gazetteer, a: Place | None, b: Place | None) -> bool:
    if a is None or b is None or a.key == b.key:
        return True
    if a.kind is PlaceKind.COUNTRY and a.key in {p.key for p in gz.ancestors(b.key)}:
        return True
    return b.kind is PlaceKind.COUNTRY and b.key in {p.key for p in gz.ancestors(a.key)}


def _same_spot(a: Place | None, b: Place | None) -> bool:
    return a is not None and b is not None and a.key == b.key and a.kind is not PlaceKind.COUNTRY


# ----------------------------------------------------------------------------- merging


def _family(kind: lx.Kind) -> str:
    return lx.KIND_FAMILY.get(kind.name, kind.name)


def _dates_fit(a: FuzzyDate, b: FuzzyDate) -> bool:
    same_shape = a.precision is b.precision and (a.end is None) == (b.end is None)
    return same_shape and a.overlaps(b)


def _fits(ctx: _Context, ev: _Event, cand: _Event, *, same_spot_only: bool) -> bool:
    if _family(ev.kind) != _family(cand.kind) or ev.standing or cand.standing:
        return False
    if not _places_fit(ctx.gazetteer, ev.place, cand.place):
        return False
    spot = _same_spot(ev.place, cand.place)
    if same_spot_only and not spot:
        return False
    if ev.when is not None and cand.when is not None:
        return _dates_fit(ev.when, cand.when)
    near = cand.last.para - ev.last.para <= 1
    return spot or near


def _merge_or_add(ctx: _Context, cand: _Event) -> None:
    for same_spot_only in (True, False):
        for ev in reversed(ctx.events):
            if _fits(ctx, ev, cand, same_spot_only=same_spot_only):
                _merge(ctx, ev, cand)
                return
    ctx.events.append(cand)


def _merge(ctx: _Context, ev: _Event, cand: _Event) -> None:
    gz = ctx.gazetteer
    for s in cand.sentences:
        if s not in ev.sentences:
            ev.sentences.append(s)
    ev.sentences.sort(key=lambda s: s.index)
    if ev.when is None:
        ev.when = cand.when
    if cand.place is not None and (
        ev.place is None
        or ev.place.key in {p.key for p in gz.ancestors(cand.place.key)}
        or (
            (ev.place.key == (ctx.home_country.key if ctx.home_country else None))
            and cand.place.kind is not PlaceKind.COUNTRY
        )
    ):
        ev.place, ev.place_text, ev.near = cand.place, cand.place_text, cand.near
    for a in cand.actors:
        if a not in ev.actors:
            ev.actors.append(a)
    if lx.CLAIM_ORDER[cand.claim] < lx.CLAIM_ORDER[ev.claim]:
        ev.claim = cand.claim
    for n in cand.notes:
        if n not in ev.notes:
            ev.notes.append(n)
    ev.killed = _max(ev.killed, cand.killed)
    ev.injured = _max(ev.injured, cand.injured)


# ----------------------------------------------------------------------------- drafts


def _types(ev: _Event, text: str) -> tuple[str, str]:
    kind = ev.kind
    if kind.name == "takeover":
        state_forces = [a for a in ev.actors if a.endswith(" forces")]
        non_state = any(name == a for _p, name, ns in lx.ACTORS if ns for a in ev.actors)
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


def _severity(ev: _Event) -> Severity:
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


def _to_draft(
    ctx: _Context, ev: _Event, source: SourceInfo | None
) -> tuple[EventDraft, EventDetail]:
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
    event_type, sub_type = _types(ev, joined)
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

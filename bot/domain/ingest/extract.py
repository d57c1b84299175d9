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
  Sentences that only add detail ("A dozen people were hurt", "Crews needed days to contain
  it") join the event just before them in the same paragraph.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from bot.domain.actors.loading import default_registry
from bot.domain.actors.registry import ActorRegistry
from bot.domain.events.model import ClaimStatus, EventDraft, SourceInfo
from bot.domain.ingest import lexicon as lx
from bot.domain.ingest.actors import actors, group_spokesman, home_group
from bot.domain.ingest.candidates import Candidate, Clause, Context, larger
from bot.domain.ingest.drafts import EventDetail, to_draft
from bot.domain.ingest.merging import merge_or_add
from bot.domain.ingest.placing import clause_places, home_country, pick_place
from bot.domain.ingest.text import Sentence, Skipped, split_article
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import PlaceMention
from bot.domain.questions.timetypes import FuzzyDate
from bot.domain.questions.timewords import event_date_in_text

log = logging.getLogger(__name__)

__all__ = ["NEGATION_WINDOW", "Extraction", "extract_events"]

NEGATION_WINDOW = 60  # characters before the event verb a negation reaches

_CLAUSE_SPLIT = re.compile(
    r",?\s+(?<!such\s)(?<!well\s)as\s+(?=the\s|[A-Z])"
    r"|,\s+while\s+|;\s+"
    r"|,\s+(?:several|some|many|most|all|dozens|hundreds|thousands|scores)\s+(?:[\w-]+\s+){0,2}"
    r"of\s+whom\s+"
)
_ANAPHOR = re.compile(
    r"^(?:It|They|This|These|He|She|The (?:blaze|fire|explosion|blast|attack|fighting|clashes|"
    r"assault|seizure|offensive|bombing|victims|dead|wounded))\b"
)


@dataclass(frozen=True, slots=True)
class Extraction:
    """Events found in an article, the sentences set aside (and why), and its headline."""

    events: list[EventDraft]
    skipped: list[Skipped]
    details: list[EventDetail] = field(default_factory=list)
    title: str = ""
    sentences: int = 0


@dataclass(frozen=True, slots=True)
class _Facts:
    """What a whole sentence says, shared by its clauses."""

    sentence: Sentence
    mentions: list[PlaceMention]
    claim: ClaimStatus
    notes: list[str]
    killed: int | None
    injured: int | None
    when: FuzzyDate | None

    @property
    def text(self) -> str:
        """The sentence's text."""
        return self.sentence.text


# ----------------------------------------------------------------------------- public entry


def extract_events(
    text: str,
    published: date,
    gazetteer: Gazetteer,
    *,
    source: SourceInfo | None = None,
    actors: ActorRegistry | None = None,
) -> Extraction:
    """Find the events an article reports, as unreviewed drafts (origin INGEST)."""
    article = split_article(text)
    registry = actors if actors is not None else default_registry()
    ctx = Context(
        gazetteer=gazetteer,
        published=published,
        home_country=home_country(article.sentences, gazetteer),
        home_group=home_group(article.sentences, registry),
        actors=registry,
    )
    ctx.skipped.extend(article.skipped)
    for sentence in article.sentences:
        _read_sentence(ctx, sentence)
    drafts: list[EventDraft] = []
    details: list[EventDetail] = []
    for ev in ctx.events:
        draft, detail = to_draft(ctx, ev, source)
        drafts.append(draft)
        details.append(detail)
    log.debug("extracted %d events, skipped %d pieces", len(drafts), len(ctx.skipped))
    return Extraction(drafts, ctx.skipped, details, article.title, len(article.sentences))


# ----------------------------------------------------------------------------- sentences


def _clauses(text: str) -> list[Clause]:
    out: list[Clause] = []
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text):
        out.append(Clause(text[pos : m.start()], pos, m.start()))
        pos = m.end()
    out.append(Clause(text[pos:], pos, len(text)))
    return [c for c in out if c.text.strip()]


def _facts(ctx: Context, sentence: Sentence) -> _Facts:
    text = sentence.text
    mentions = ctx.gazetteer.find_in_text(text)
    claim, notes = _claim(text, ctx.actors)
    killed, injured = _count(lx.KILLED_RE, text), _count(lx.INJURED_RE, text)
    when = event_date_in_text(text, ctx.published)
    return _Facts(sentence, mentions, claim, notes, killed, injured, when)


def _read_sentence(ctx: Context, sentence: Sentence) -> None:
    facts = _facts(ctx, sentence)
    found = False
    reasons: list[str] = []
    for clause in _clauses(facts.text):
        kind, verb_at = _kind_of(clause.text)
        reason = _not_an_event(kind, clause.text[: verb_at or 0])
        if kind is None or reason is not None:
            reasons.append(reason or "no event verb")
            continue
        places = clause_places(ctx, facts.text, facts.mentions, clause)
        named = _clause_actors(ctx, facts.text, clause, verb_at or 0, bool(places))
        if not places and not named:
            target = _continuing(ctx, sentence, facts.when)
            if target is not None:
                _attach(target, sentence, facts.killed, facts.injured)
                found = True
                break
            reasons.append("no place or actor")
            continue
        merge_or_add(ctx, _candidate(ctx, facts, clause, kind, verb_at or 0, places, named))
        found = True
    if not found:
        _leftover(ctx, facts, reasons)


def _not_an_event(kind: lx.Kind | None, before_verb: str) -> str | None:
    """Why a clause reports no event (no verb, a plan, a negation), or None if it may."""
    if kind is None:
        return "no event verb"
    if lx.FUTURE_RE.search(before_verb):
        return "a plan or possibility, not an event"
    if lx.NEGATION_RE.search(before_verb[-NEGATION_WINDOW:]):
        return "negated"
    return None


def _clause_actors(
    ctx: Context, text: str, clause: Clause, verb_at: int, has_places: bool
) -> list[str]:
    """A clause's actors; a bare verb clause borrows the last actor of the sentence before it."""
    named = actors(ctx, clause.text, clause.start + verb_at, text)
    if not named and not has_places and not clause.text[:verb_at].strip():
        named = actors(ctx, text[: clause.start], len(text), text)[-1:]
    return named


def _candidate(
    ctx: Context,
    facts: _Facts,
    clause: Clause,
    kind: lx.Kind,
    verb_at: int,
    places: list[PlaceMention],
    named: list[str],
) -> Candidate:
    place, place_text, near = pick_place(ctx, clause, places, verb_at)
    when = event_date_in_text(clause.text, ctx.published) or facts.when
    return Candidate(
        kind=kind,
        sentences=[facts.sentence],
        when=when,
        standing=when is None and bool(lx.STANDING_RE.search(clause.text)),
        place=place,
        place_text=place_text,
        near=near,
        actors=named,
        claim=facts.claim,
        notes=list(facts.notes),
        killed=facts.killed,
        injured=facts.injured,
    )


def _leftover(ctx: Context, facts: _Facts, reasons: list[str]) -> None:
    """A sentence with no event: detail for the event before it, or set aside with a reason."""
    target = _continuing(ctx, facts.sentence, facts.when)
    if target is not None and (_ANAPHOR.match(facts.text) or facts.killed or facts.injured):
        _attach(target, facts.sentence, facts.killed, facts.injured)
        return
    ctx.skipped.append(Skipped(facts.text, reasons[0] if reasons else "no event verb"))


def _continuing(
    ctx: Context, sentence: Sentence, sentence_date: FuzzyDate | None
) -> Candidate | None:
    """The event an undated sentence adds detail to: the one just before, same paragraph."""
    if not ctx.events or sentence_date is not None:
        return None
    last = max(ctx.events, key=lambda e: e.last.index)
    if last.last.para == sentence.para and sentence.index - last.last.index <= 2:
        return last
    return None


def _attach(ev: Candidate, sentence: Sentence, killed: int | None, injured: int | None) -> None:
    if sentence not in ev.sentences:
        ev.sentences.append(sentence)
    ev.killed = larger(ev.killed, killed)
    ev.injured = larger(ev.injured, injured)


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
            best = larger(best, lx.number_value(word) or None)
    return best


# ----------------------------------------------------------------------------- claims


def _claim(text: str, registry: ActorRegistry) -> tuple[ClaimStatus, list[str]]:
    notes: list[str] = []
    status = ClaimStatus.REPORTED
    if lx.DENIAL_RE.search(text):
        status = ClaimStatus.DENIED
        notes.append("denied")
    elif lx.CLAIM_RE.search(text) or group_spokesman(registry, text):
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

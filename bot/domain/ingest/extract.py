"""Pure article-to-event extraction: a news article into dated, placed, sourced drafts.

Documented choices (the parts are in their own modules):

* The language engine (``parsing.TextParser``, spaCy in production) splits the body into
  sentences and parses them; headlines, bylines, captions, "related" lines, corrections and
  credits are set aside first (``text``), and the dateline is read off: the outlet's place
  (never the event's) and the day relative day words count from.
* Happenings are predicates of the parse (``predicates``): who did what to whom, classified by
  ACLED sort from the lemma (``kinds``).  Plans, negations and denials are not events.
* Places come from one gazetteer scan of the article (``mentions``); "the town" refers back to
  the last town named; nationalities and names of people or organisations are not places.  A
  clause's place is its most specific one (``placing``); a movement is filed at its origin with
  its destination noted.  No place: the article's main place at region precision, labelled.
* Dates are the clause's own day words, else its sentence's, resolved against the dateline's
  day (else the published day); undated events take that day, "as of" or "reported by".  A
  casualty figure for a whole month or year is a statistic, not an event.
* Counts are people killed or hurt; numbers inside dates, percentages and sums never count.
* Sentences about the same happening become one event (``merging``); a sentence that only adds
  detail joins the event just before it in the same paragraph.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from bot.domain.actors.loading import default_registry
from bot.domain.actors.registry import ActorRegistry
from bot.domain.events.model import ClaimStatus, EventDraft, SourceInfo
from bot.domain.ingest import lexicon as lx
from bot.domain.ingest.actors import actors, home_group, name_actor
from bot.domain.ingest.candidates import Candidate, Context, larger
from bot.domain.ingest.clauses import (
    background,
    claim_of,
    clause_text,
    count,
    displaced,
    statistic,
)
from bot.domain.ingest.drafts import EventDetail, to_draft
from bot.domain.ingest.mentions import ArticlePlaces, Mention, back_references, scan_article
from bot.domain.ingest.merging import merge_or_add
from bot.domain.ingest.nominal import unarmed_victims
from bot.domain.ingest.parsing import Parse, TextParser, default_parser
from bot.domain.ingest.placing import finer_place, pick_place, same_spot
from bot.domain.ingest.predicates import Predicate, find_predicates, why_not
from bot.domain.ingest.text import Sentence, Skipped, split_article
from bot.domain.ingest.unreported import TOLD_BEFORE_NOTE
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place
from bot.domain.questions.timetypes import FuzzyDate
from bot.domain.questions.timewords import event_date_in_text

log = logging.getLogger(__name__)

__all__ = ["Extraction", "event_date_in_text", "extract_events"]

_DATED_ENTS = frozenset({"DATE", "TIME"})
_ANAPHOR = re.compile(
    r"^(?:It|They|This|These|He|She|The (?:blaze|fire|explosion|blast|attack|fighting|clash(?:es)?|"
    r"firefight|gunfight|ambush|shelling|violence|"
    r"assault|seizure|offensive|bombing|victims|dead|wounded|strike|strikes|raid))\b"
)


@dataclass(frozen=True, slots=True)
class Extraction:
    """Events found in an article, the sentences set aside (and why), and its headline."""

    events: list[EventDraft]
    skipped: list[Skipped]
    details: list[EventDetail] = field(default_factory=list)
    title: str = ""
    sentences: int = 0
    dateline: str = ""


@dataclass(slots=True)
class _Article:
    """What the reading of one article carries from sentence to sentence."""

    ctx: Context
    places: ArticlePlaces
    seen: list[Place] = field(default_factory=list)  # places named so far, in order


def extract_events(
    text: str,
    published: date,
    gazetteer: Gazetteer,
    *,
    source: SourceInfo | None = None,
    actors: ActorRegistry | None = None,
    parser: TextParser | None = None,
) -> Extraction:
    """Find the events an article reports, as unreviewed drafts (origin INGEST)."""
    _date_in.cache_clear()  # remembered within one article only
    article = split_article(text, parser or default_parser())
    registry = actors if actors is not None else default_registry()
    places = scan_article(gazetteer, article.sentences, (article.dateline,))
    ctx = Context(
        gazetteer=gazetteer,
        published=article.reference_day(published),
        home_country=places.main,
        home_group=home_group(article.sentences, registry),
        actors=registry,
    )
    ctx.skipped.extend(article.skipped)
    state = _Article(ctx, places)
    for sentence in article.sentences:
        _read_sentence(state, sentence)
        state.seen.extend(m.place for m in places.of(sentence))
    _fold_withdrawals(ctx)
    drafts: list[EventDraft] = []
    details: list[EventDetail] = []
    for ev in ctx.events:
        draft, detail = to_draft(ctx, ev, source)
        drafts.append(draft)
        details.append(detail)
    log.debug("extracted %d events, skipped %d pieces", len(drafts), len(ctx.skipped))
    return Extraction(
        drafts, ctx.skipped, details, article.title, len(article.sentences), article.dateline
    )


_TAKING = frozenset({"takeover", "regain", "transfer"})
_LEAVING = frozenset({"retreat", "withdrawal"})


def _fold_withdrawals(ctx: Context) -> None:
    """A side leaving the place the other side took, that day, is part of the taking ("the
    rebels said they had withdrawn from the town"); a flight across a border stays its own."""
    for leaving in [e for e in ctx.events if e.kind.name in _LEAVING and not e.destination]:
        taking = next(
            (
                e
                for e in ctx.events
                if e.kind.name in _TAKING
                and same_spot(e.place, leaving.place)  # a town or district, not a country
                and (leaving.when is None or e.when is None or leaving.when == e.when)
            ),
            None,
        )
        if taking is not None:
            for sentence in leaving.sentences:
                if sentence not in taking.sentences:
                    taking.sentences.append(sentence)
            taking.sentences.sort(key=lambda s: s.index)
            ctx.events.remove(leaving)


# ----------------------------------------------------------------------------- sentences


@lru_cache(maxsize=512)
def _date_in(text: str, reference: date) -> FuzzyDate | None:
    """``event_date_in_text``, remembered: clauses and sentences are asked more than once."""
    return event_date_in_text(text, reference)


def _span_has(p: Parse, tokens: tuple[int, ...], labels: frozenset[str]) -> bool:
    return any(p.tokens[i].ent in labels for i in tokens)


def _when(
    ctx: Context, sentence: Sentence, pred: Predicate, text: str
) -> tuple[FuzzyDate | None, FuzzyDate | None]:
    """The clause's own day, else (as the report's day) its sentence's."""
    p = sentence.parse
    assert p is not None
    head = p.tokens[pred.head]
    subject = next((c.i for c in p.children(head.i) if c.dep in ("nsubj", "nsubjpass")), None)
    own = pred.tokens
    if head.dep == "ccomp" and subject is not None and head.head < subject:
        # "said on Saturday it had taken …": a day before the clause's subject is the report's
        # ("On Tuesday, militiamen killed …, residents said": the clause's own)
        own = tuple(i for i in pred.tokens if i >= subject) or pred.tokens
        text = clause_text(p, own)
    if _span_has(p, own, _DATED_ENTS) or lx.DATE_HINT_RE.search(text):
        found = _date_in(text, ctx.published)
        if found is not None:
            return found, None
    if any(e.label in _DATED_ENTS for e in p.entities) or lx.DATE_HINT_RE.search(p.text):
        return None, _date_in(sentence.text, ctx.published)
    return None, None


def _read_sentence(state: _Article, sentence: Sentence) -> None:
    ctx = state.ctx
    p = sentence.parse
    assert p is not None
    preds = find_predicates(p)
    killed = count(lx.KILLED_RE, p, p.text)
    injured = count(lx.INJURED_RE, p, p.text)
    if not preds:
        reason = why_not(p)
        if reason == TOLD_BEFORE_NOTE and ctx.events:
            _claimed(ctx, sentence)
            return
        _leftover(ctx, sentence, killed, injured, reason, state.places.of(sentence))
        return
    claim, notes = claim_of(p.text, ctx.actors)
    named = state.places.of(sentence)
    for pred in preds:
        text = clause_text(p, pred.tokens)
        when, reported = _when(ctx, sentence, pred, text)
        if pred.kind == "retreat" and displaced(p, pred):
            ctx.skipped.append(Skipped(text, "people displaced, not a party retreating"))
            continue
        if statistic(p, pred, when) or background(p, pred):
            ctx.skipped.append(Skipped(text, "a statistic over a period, not an event"))
            continue
        cand = _candidate(state, sentence, pred, text, named, when, preds)
        if cand is None:
            _leftover(ctx, sentence, killed, injured, "no place or actor")
            continue
        cand.claim, cand.notes, cand.reported = claim, list(notes), reported
        target = _continuing(ctx, sentence)
        if pred.kind == "casualties" and cand.fallback and when is None and target is not None:
            _attach(target, sentence, cand.killed, cand.injured)  # the toll of the one before
            continue
        cand.killed = larger(cand.killed, killed if len(preds) == 1 else None)
        cand.injured = larger(cand.injured, injured if len(preds) == 1 else None)
        merge_or_add(ctx, cand)


_BACK_DOERS = frozenset({"the", "they", "these", "those"})
_AND_RE = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def _names(ctx: Context, words: str) -> list[str]:
    """The actors in some words: each of "Turkey and Russia", else the words as one."""
    parts = [w for w in _AND_RE.split(words) if w.strip()]
    if len(parts) > 1:
        named = [name_actor(ctx, w) for w in parts]
        if all(named):
            return list(dict.fromkeys(n for n in named if n))
    one = name_actor(ctx, words)
    return [one] if one else []


def _governing_places(
    p: Parse, pred: Predicate, named: list[Mention], others: list[Predicate]
) -> list[Mention]:
    """The places of the happening a clause hangs on ("fled from X after Y overran …")."""
    up = p.tokens[pred.head]
    for _ in range(8):
        if up.head == up.i:
            break
        up = p.tokens[up.head]
        for o in others:
            if o.head == up.i:
                return [m for m in named if any(_inside(p, i, m) for i in o.tokens)]
    return []


def _inside(p: Parse, i: int, m: Mention) -> bool:
    return p.tokens[i].idx <= m.start < p.tokens[i].end


def _candidate(
    state: _Article,
    sentence: Sentence,
    pred: Predicate,
    text: str,
    named: list[Mention],
    when: FuzzyDate | None,
    others_of: list[Predicate],
) -> Candidate | None:
    ctx = state.ctx
    p = sentence.parse
    assert p is not None
    tokens = set(pred.tokens)
    inside = [m for m in named if any(p.tokens[i].idx <= m.start < p.tokens[i].end for i in tokens)]
    actor1 = _names(ctx, clause_text(p, pred.subject)) if pred.subject else []
    actor2 = _names(ctx, clause_text(p, pred.obj)) if pred.obj else []
    verb_at = p.tokens[pred.head].idx
    # "the town": the last one named, the places of the story's events first
    focus = [e.place for e in sorted(ctx.events, key=lambda e: e.last.index) if e.place]
    earlier = [*state.seen, *(m.place for m in named if m.start < verb_at), *focus]
    refs = back_references(sentence, tokens, earlier, inside)
    pick = pick_place(ctx, p, pred, [*inside, *refs])
    if pick.place is None:
        pick = pick_place(ctx, p, pred, _governing_places(p, pred, named, others_of))
    others = actors(ctx, text, len(text), p.text)
    everyone = [*actor1, *actor2, *(a for a in others if a)]
    if pick.place is None and not everyone:
        return None
    kind = lx.KIND_BY_NAME[pred.kind]
    fallback = pick.place is None
    place = pick.place
    if place is None:
        before = _continuing_place(ctx, sentence)
        place = before if before is not None else state.places.main
    return Candidate(
        kind=kind,
        sentences=[sentence],
        when=when,
        standing=when is None and bool(lx.STANDING_RE.search(text)),
        place=place,
        place_text=pick.text or (place.name if place else ""),
        near=pick.near,
        actors=list(dict.fromkeys(everyone)),
        claim=ClaimStatus.REPORTED,
        notes=[],
        killed=count(lx.KILLED_RE, p, text),
        injured=count(lx.INJURED_RE, p, text),
        actor1=actor1,
        actor2=actor2,
        clause=clause_text(p, pred.brief) if pred.brief else text,
        weapon=pred.weapon,
        fallback=fallback,
        destination=pick.destination,
        unarmed=unarmed_victims(p, pred.obj),
        anaphoric=bool(pred.subject) and p.tokens[pred.subject[0]].lemma in _BACK_DOERS,
    )


def _continuing_place(ctx: Context, sentence: Sentence) -> Place | None:
    """Where the story is: the place of the event just before (same or previous paragraph)."""
    if not ctx.events:
        return None
    last = max(ctx.events, key=lambda e: e.last.index)
    near = sentence.para - last.last.para <= 1 and sentence.index - last.last.index <= 3
    return last.place if near and not last.fallback else None


def _leftover(
    ctx: Context,
    sentence: Sentence,
    killed: int | None,
    injured: int | None,
    reason: str,
    named: list[Mention] = [],  # noqa: B006 (read only)
) -> None:
    """A sentence with no event: detail for the event before it (and where it was, when it
    says so more precisely), or set aside with a reason."""
    target = _continuing(ctx, sentence)
    told = _ANAPHOR.match(sentence.text) is not None
    if target is None and told and ctx.events:  # "The clash took place in …", a paragraph on
        last = max(ctx.events, key=lambda e: e.last.index)
        if sentence.para - last.last.para <= 1 and sentence.index - last.last.index <= 2:
            target = last
    if target is not None and (told or killed or injured):
        _attach(target, sentence, killed, injured)
        finer = finer_place(ctx, sentence.parse, target, named) if sentence.parse else None
        if finer is not None:
            target.place, target.place_text, target.near = finer.place, finer.matched, False
            target.fallback = False
        return
    ctx.skipped.append(Skipped(sentence.text, reason))


def _claimed(ctx: Context, sentence: Sentence) -> None:
    """ "X said its fighters had carried out the attack": who did the event just told, a note
    on it ("claimed by X"), not an event of its own."""
    last = max(ctx.events, key=lambda e: e.last.index)
    p = sentence.parse
    assert p is not None
    said = next((t for t in p.tokens if t.dep == "ROOT"), None)
    who = next((c for c in p.children(said.i) if c.dep == "nsubj"), None) if said else None
    name = name_actor(ctx, " ".join(t.text for t in p.subtree(who.i))) if who else None
    _attach(last, sentence, None, None)
    note = f"claimed by {name}" if name else "claimed"
    if note not in last.notes:
        last.notes.append(note)


def _attach(ev: Candidate, sentence: Sentence, killed: int | None, injured: int | None) -> None:
    """A sentence that adds detail (a toll) to an event already found."""
    if sentence not in ev.sentences:
        ev.sentences.append(sentence)
    ev.killed = larger(ev.killed, killed)
    ev.injured = larger(ev.injured, injured)


def _continuing(ctx: Context, sentence: Sentence) -> Candidate | None:
    """The event a sentence may add detail to: the one just before, in the same paragraph."""
    if not ctx.events:
        return None
    last = max(ctx.events, key=lambda e: e.last.index)
    if last.last.para != sentence.para or sentence.index - last.last.index > 2:
        return None
    p = sentence.parse
    dated = p is None or any(e.label in _DATED_ENTS for e in p.entities)
    dated = dated or lx.DATE_HINT_RE.search(sentence.text) is not None
    if dated and _date_in(sentence.text, ctx.published) is not None:
        return None  # a sentence with a day of its own is not a detail of the one before
    return last

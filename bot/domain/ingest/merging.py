"""Sentences about the same happening become one event: kind, places and dates must agree."""

from __future__ import annotations

from bot.domain.ingest import lexicon as lx
from bot.domain.ingest.candidates import Candidate, Context, larger
from bot.domain.ingest.placing import places_fit, same_spot
from bot.domain.places.model import PlaceKind
from bot.domain.questions.timetypes import FuzzyDate, Precision


def _family(kind: lx.Kind) -> str:
    return lx.KIND_FAMILY.get(kind.name, kind.name)


def _dates_fit(a: FuzzyDate, b: FuzzyDate) -> bool:
    same_shape = a.precision is b.precision and (a.end is None) == (b.end is None)
    return same_shape and a.overlaps(b)


def _other_side(ev: Candidate, cand: Candidate) -> bool:
    """A place changing hands at the doing of someone the event does not name ("troops pushed
    the insurgents out" after the insurgents' raid): the other side's action, its own event."""
    if ev.kind.name == cand.kind.name or cand.kind.name not in ("takeover", "regain"):
        return False
    if not cand.actor1 or not ev.actor1 or cand.anaphoric:
        return False
    return not set(cand.actor1) & set(ev.actors)


def _fits(ctx: Context, ev: Candidate, cand: Candidate, *, same_spot_only: bool) -> bool:
    if _family(ev.kind) != _family(cand.kind) or ev.standing or cand.standing:
        return False
    if _other_side(ev, cand):
        return False
    if not places_fit(ctx.gazetteer, ev.place, cand.place):
        return False
    spot = same_spot(ev.place, cand.place)
    if same_spot_only and not spot:
        return False
    if ev.when is not None and cand.when is not None:
        return _dates_fit(ev.when, cand.when)
    near = cand.last.para - ev.last.para <= 1
    return spot or near


def _part_of(ctx: Context, cand: Candidate) -> Candidate | None:
    """The event just told, when a clause with no day of its own goes on about the same doers
    ("the attackers looted luggage before fleeing"): a part of that happening, of any kind."""
    if not cand.anaphoric or cand.when is not None or not ctx.events:
        return None
    last = max(ctx.events, key=lambda e: e.last.index)
    s = cand.sentences[0]
    close = s.para - last.last.para <= 1 and s.index - last.last.index <= 2
    here = cand.fallback or same_spot(last.place, cand.place)
    return last if close and here and not last.standing else None


def merge_or_add(ctx: Context, cand: Candidate) -> None:
    """Merge a candidate into an earlier event it fits (same spot first), else add it."""
    whole = _part_of(ctx, cand)
    if whole is not None:
        _merge(ctx, whole, cand)
        return
    for same_spot_only in (True, False):
        for ev in reversed(ctx.events):
            if _fits(ctx, ev, cand, same_spot_only=same_spot_only):
                _merge(ctx, ev, cand)
                return
    if cand.when is None and cand.reported is None and not cand.standing and ctx.events:
        last = max(ctx.events, key=lambda e: e.last.index)
        s = cand.sentences[0]
        fighting = _family(cand.kind) == _family(last.kind) == "clash"
        day = last.when is not None and last.when.precision is Precision.DAY
        fighting = fighting and day and same_spot(last.place, cand.place)
        if fighting and s.para - last.last.para <= 1 and s.index - last.last.index <= 2:
            cand.when = last.when  # fighting with no day, told on after a dated one: that day
    ctx.events.append(cand)


def _merge(ctx: Context, ev: Candidate, cand: Candidate) -> None:
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
        ev.fallback = ev.fallback and cand.fallback  # a sentence that names the place
    for a in cand.actors:
        if a not in ev.actors:
            ev.actors.append(a)
    if lx.CLAIM_ORDER[cand.claim] < lx.CLAIM_ORDER[ev.claim]:
        ev.claim = cand.claim
    for n in cand.notes:
        if n not in ev.notes:
            ev.notes.append(n)
    ev.killed = larger(ev.killed, cand.killed)
    ev.injured = larger(ev.injured, cand.injured)

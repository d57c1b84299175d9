"""Happening words that report no happening: negated, planned, denied, or only describing."""

from __future__ import annotations

from bot.domain.ingest.kinds import (
    CROWD_CONTROL,
    DENIAL_LEMMAS,
    DOING_VERBS,
    NOUN_KIND,
    PLAN_LEMMAS,
    RAISING_VERBS,
)
from bot.domain.ingest.parsing import Parse, Token

_FINITE_TAGS = frozenset({"VBD", "VBN", "VBZ", "VBP"})
_MODALS = frozenset({"will", "would", "could", "might", "may", "should", "must", "can", "shall"})
_INTRANSITIVE = frozenset("protest rally march demonstrate riot flee retreat clash fight".split())

NEGATED = "negated"
PLANNED = "a plan or possibility, not an event"
NO_HAPPENING = "no happening reported"
CROWD_CONTROL_NOTE = "crowd control or warning shots: part of the happening, not one of its own"
TOLD_BEFORE_NOTE = "the happening told before (who did it), not a new one"
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_TOLD_BEFORE = frozenset({"the", "this", "that", "these", "those", "its", "their"})


def _crowd_control(p: Parse, verb: Token) -> bool:
    """ "Police fired tear gas", "fired into the air": no one is targeted."""
    for c in p.children(verb.i):
        if c.dep == "dobj":
            words = {c.lemma, *(m.lemma for m in p.children(c.i) if m.dep in ("amod", "compound"))}
            if words & CROWD_CONTROL:
                return True
        aloft = any(o.lemma == "air" for o in p.children(c.i) if o.dep == "pobj")
        if c.dep == "prep" and c.lemma in ("in", "into") and aloft:
            return True
    return False


def _told_before(p: Parse, verb: Token) -> bool:
    """ "Its fighters had carried out the attack": who did the happening told before."""
    kids = p.children(verb.i)
    doing = verb.lemma in DOING_VERBS or (
        verb.lemma == "carry" and any(c.dep == "prt" and c.lemma == "out" for c in kids)
    )
    if not doing:
        return False
    obj = next((c for c in kids if c.dep == "dobj"), None)
    if obj is None or obj.lemma not in NOUN_KIND:
        return False
    return any(c.dep in ("det", "poss") and c.lemma in _TOLD_BEFORE for c in p.children(obj.i))


def _describes(p: Parse, verb: Token) -> bool:
    """ "Troops deployed in the province pushed …": a participle describing the subject."""
    head = p.tokens[verb.head]
    if verb.dep != "acl" or head.dep not in _SUBJECTS or verb.lemma in _INTRANSITIVE:
        return False
    return not any(c.dep == "dobj" for c in p.children(verb.i))  # "gunmen killed 21" reports


def unreported(p: Parse, verb: Token) -> str | None:
    """Why a happening word is not a report (negated, planned, a description), or None."""
    kids = p.children(verb.i)
    if any(c.dep == "neg" for c in kids):
        return NEGATED
    if verb.lemma in ("fire", "shoot", "use", "lob") and _crowd_control(p, verb):
        return CROWD_CONTROL_NOTE
    if _told_before(p, verb):
        return TOLD_BEFORE_NOTE
    if _describes(p, verb):
        return NO_HAPPENING
    if any(c.lemma in _MODALS for c in kids if c.dep == "aux"):
        return PLANNED
    infinitive = verb.tag == "VB" or any(c.dep == "aux" and c.lemma == "to" for c in kids)
    raised = verb.dep == "xcomp" and p.tokens[verb.head].lemma in RAISING_VERBS
    if infinitive and not (raised and verb.tag == "VBN"):
        return PLANNED  # "to retake": a plan; "are reported to have closed": a report
    if verb.tag not in _FINITE_TAGS and verb.tag != "VBG":
        return NO_HAPPENING
    bare = not any(c.dep in ("aux", "auxpass") for c in kids)
    if verb.tag == "VBG" and bare and verb.dep not in ("advcl", "conj", "xcomp"):
        return NO_HAPPENING  # a bare participle counts only as a clause ("capturing the city")
    described = verb.tag == "VBN" and verb.dep in ("amod", "acl")
    head_dep = p.tokens[verb.head].dep
    misparsed = any(c.dep == "dobj" for c in kids) or (
        # "Thousands of people protested in X" read as "people (who were) protested"
        verb.lemma in _INTRANSITIVE and head_dep in ("nsubj", "appos", "ROOT")
    )
    if described and not misparsed:
        return NO_HAPPENING  # "people killed in …" describes; "militants killed 15" reports
    up = verb
    for _ in range(6):
        if up.head == up.i:
            break
        up = p.tokens[up.head]
        if up.lemma in DENIAL_LEMMAS:
            return "denied"
        if up.lemma in PLAN_LEMMAS or any(
            c.dep == "aux" and c.lemma in _MODALS for c in p.children(up.i)
        ):
            return PLANNED
    return None

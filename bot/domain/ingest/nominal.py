"""Happenings told by who or what acts: the subject says what happened.

"Hundreds of protesters blocked roads" is a protest whatever the verb; "clashes left ten
dead", "a protest took place" report the noun's happening (the sort from the same lemma table
as the verbs, ``kinds.NOUN_KIND``); "the attack took place near …" is the one told before.
Forces moving into a place ("tanks pushed into the town") are an incursion; crowds taking to
the streets protest; forces driven out of a place or handing it to the other side lose it.
"""

from __future__ import annotations

from bot.domain.ingest.kinds import (
    ARMED_NOUNS,
    GATHERING_NOUNS,
    HANDING_VERBS,
    INCURSION_PREPS,
    MOVE_VERBS,
    NOUN_KIND,
    OCCURRENCE_VERBS,
    OUSTING_VERBS,
    PEOPLE_NOUNS,
    SERIES_NOUNS,
    TELLING_VERBS,
    VEHICLE_NOUNS,
    WEAPON_KIND,
)
from bot.domain.ingest.parsing import Parse, Token

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_COUNT_WORDS = frozenset("hundred thousand dozen score many some most all few".split())
_NOT_TOLD_HERE = frozenset({"takeover", "base", "decree", "mobilisation"})
_TOLD_BEFORE = frozenset({"the", "this", "that", "these", "those", "its", "their"})


def subject_noun(p: Parse, verb: Token) -> Token | None:
    """The noun a verb's subject names: "hundreds of protesters" names the protesters."""
    subj = next((c for c in p.children(verb.i) if c.dep in _SUBJECTS), None)
    if subj is None:
        return None
    if subj.lemma in _COUNT_WORDS or subj.pos == "NUM":
        of = next((c for c in p.children(subj.i) if c.dep == "prep" and c.lemma == "of"), None)
        inner = [c for c in p.children(of.i) if c.dep == "pobj"] if of is not None else []
        return inner[0] if inner else subj
    return subj


def by_subject(p: Parse, verb: Token) -> tuple[str, str] | None:
    """A happening told by who or what did something: a gathering of protesters doing
    anything ("blocked roads", "burned tyres"), or a happening's noun with a verb of
    occurring ("clashes left ten dead", "a protest took place" but not "the attack took place":
    that one is the happening told before)."""
    noun = subject_noun(p, verb)
    if noun is None:
        return None
    gathering = GATHERING_NOUNS.get(noun.lemma)
    if gathering is not None:
        return gathering, ""
    kind = NOUN_KIND.get(noun.lemma)
    if kind is None or kind in _NOT_TOLD_HERE:
        return None
    placed = verb.lemma == "take" and any(c.lemma == "place" for c in p.children(verb.i))
    if not (placed or verb.lemma in OCCURRENCE_VERBS):
        return None
    told_before = any(c.dep == "det" and c.lemma in _TOLD_BEFORE for c in p.children(noun.i))
    return None if told_before else (kind, "")


def moves_in(p: Parse, verb: Token) -> bool:
    """Forces moving into a place ("tanks pushed into the town"): someone armed, into it."""
    if verb.lemma not in MOVE_VERBS:
        return False
    into = any(c.dep == "prep" and c.lemma in INCURSION_PREPS for c in p.children(verb.i))
    subj = next((c for c in p.children(verb.i) if c.dep in _SUBJECTS), None)
    if subj is None or not into:
        return False
    lemma = subj.lemma
    return lemma in PEOPLE_NOUNS or lemma in VEHICLE_NOUNS or WEAPON_KIND.get(lemma) is not None


def by_object(p: Parse, verb: Token) -> tuple[str, str] | None:
    """A happening told as the object of a verb of telling, for the first time (not "the"):
    "residents reported an airstrike on the village", "the rally followed another round of
    strikes on X"; a strike on or against something is an air strike, else a walk-out."""
    if verb.lemma not in TELLING_VERBS:
        return None
    obj = next((c for c in p.children(verb.i) if c.dep == "dobj"), None)
    if obj is None:
        return None
    if obj.lemma in SERIES_NOUNS:
        of = next((c for c in p.children(obj.i) if c.dep == "prep" and c.lemma == "of"), None)
        inner = [c for c in p.children(of.i) if c.dep == "pobj"] if of is not None else []
        if inner:
            obj = inner[0]
    if any(c.dep in ("det", "poss") and c.lemma in _TOLD_BEFORE for c in p.children(obj.i)):
        return None
    aimed = any(c.dep == "prep" and c.lemma in ("on", "against") for c in p.children(obj.i))
    weapon = WEAPON_KIND.get(obj.lemma) if aimed else None
    if weapon is not None and weapon != "explosion":
        return weapon, obj.lemma
    kind = NOUN_KIND.get(obj.lemma)
    return (kind, "") if kind is not None and kind not in _NOT_TOLD_HERE else None


def _prep_objects(p: Parse, verb: Token, prep: str) -> list[Token]:
    preps = [c for c in p.children(verb.i) if c.dep in ("prep", "dative") and c.lemma == prep]
    return [o for c in preps for o in p.children(c.i) if o.dep == "pobj"]


def handed_to(p: Parse, verb: Token) -> Token | None:
    """Who a place or base was surrendered to ("surrendered the base to rebel fighters")."""
    if verb.lemma not in HANDING_VERBS:
        return None
    taker = next(iter(_prep_objects(p, verb, "to")), None)
    if taker is not None:
        return taker
    for t in p.subtree(verb.i):  # "to jihadist fighters" misread as an infinitive
        if t.lemma == "to" and t.i > verb.i:
            after = p.tokens[t.i + 1 : t.i + 4]
            return next((n for n in after if n.pos == "NOUN" and n.lemma in PEOPLE_NOUNS), None)
    return None


def by_phrase(p: Parse, verb: Token) -> str | None:
    """A verb with its preposition: "took to the streets" (a protest), "pushed the fighters
    out of the town" and "surrendered the base to X" (a place changing hands)."""
    if verb.lemma == "take" and any(o.lemma == "street" for o in _prep_objects(p, verb, "to")):
        return "protest"
    if verb.lemma in OUSTING_VERBS and any(
        c.dep == "prep" and c.lemma == "out" and any(x.lemma == "of" for x in p.children(c.i))
        for c in p.children(verb.i)
    ):
        return "takeover"
    if handed_to(p, verb) is not None:
        return "takeover"
    return None


def unarmed_victims(p: Parse, words: tuple[int, ...]) -> bool:
    """Whether the people acted on are named by a common noun that says nothing of arms
    ("two taxi drivers", "nine men", "three traders"), not a force, fighters or a nationality."""
    inside = set(words)
    heads = [p.tokens[i] for i in words if p.tokens[i].head not in inside]
    if len(heads) != 1:
        return False
    noun = heads[0]
    if noun.lemma in _COUNT_WORDS or noun.pos == "NUM":
        of = next((c for c in p.children(noun.i) if c.dep == "prep" and c.lemma == "of"), None)
        inner = [c for c in p.children(of.i) if c.dep == "pobj"] if of is not None else []
        noun = inner[0] if inner else noun
    mods = [c for c in p.children(noun.i) if c.dep in ("compound", "amod")]
    if noun.pos != "NOUN" or noun.ent or any(m.ent in ("NORP", "ORG") for m in mods):
        return False
    return not any(w.lemma in ARMED_NOUNS for w in [noun, *mods])

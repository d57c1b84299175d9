"""Happenings in a parsed sentence: which word reports one, who did it to whom, which words.

Read off the dependency parse, not off the article's wording:

* A happening is reported by a predicate: a finite or perfect verb (any inflection: the parser
  gives the lemma) or a participle clause, classified by the ACLED sort of its lemma, or — for
  light verbs ("took control", "launched an attack", "fighting broke out", "back in control") —
  by the sort of its object, subject or complement noun.  Hit/strike/target/fire/launch report
  an explosion only when a weapon noun is their subject, object or instrument.
* Not reported: a predicate that is negated, modal or planned ("will", "to retake", "vowed
  to"), or under a denial ("denied the crossing had fallen").
* A participle that only adds victims to a happening ("…, killing four") is part of it.
* Actor 1 is the subject (the agent of a passive), actor 2 the object (the subject of a
  passive, the partner of "clash with").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.ingest.kinds import (
    ANIMATE_ONLY,
    BACK_WORDS,
    CROWD_NOUNS,
    DENIAL_LEMMAS,
    LIGHT_VERBS,
    NOUN_KIND,
    PEOPLE_NOUNS,
    PHRASAL_KIND,
    PLAN_LEMMAS,
    RAISING_VERBS,
    VERB_KIND,
    WEAPON_KIND,
    WEAPON_VERBS,
)
from bot.domain.ingest.nominal import (
    by_object,
    by_phrase,
    by_subject,
    handed_to,
    moves_in,
    subject_noun,
)
from bot.domain.ingest.parsing import Parse, Token
from bot.domain.ingest.unreported import NEGATED, NO_HAPPENING, unreported

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_OBJECTS = frozenset({"dobj", "attr", "oprd"})
_MARKS = frozenset({"mark", "advmod"})
_COUNT_WORDS = frozenset("hundred thousand dozen score many some most all few".split())


@dataclass(frozen=True, slots=True)
class Predicate:
    """One reported happening in a sentence."""

    kind: str  # a name of ``lexicon.KINDS``
    head: int  # token index of the predicate
    tokens: tuple[int, ...]  # the token indices of its clause (nested happenings left out)
    subject: tuple[int, ...]  # actor 1's words
    obj: tuple[int, ...]  # actor 2's words
    weapon: str = ""  # the weapon noun that made it an explosion, if any
    brief: tuple[int, ...] = ()  # the words of a concise summary (asides left out)


def _children(p: Parse, i: int, deps: frozenset[str] | None = None) -> list[Token]:
    return [t for t in p.children(i) if deps is None or t.dep in deps]


def _weapon(p: Parse, verb: Token) -> tuple[str, str] | None:
    """(kind, weapon lemma) when a weapon noun is the verb's subject, object or instrument."""
    near: list[Token] = []
    for c in p.children(verb.i):
        if c.dep in _SUBJECTS or c.dep in _OBJECTS or c.dep == "agent":
            near.append(c)
        if c.dep == "advcl" and c.tag == "VBG" and c.i < verb.i:
            near.append(c)  # "Shelling by X hit …" read as a clause: the gerund is the subject
        if c.dep in ("prep", "agent"):
            near.extend(_children(p, c.i, frozenset({"pobj"})))
    for n in list(near):  # "Government and allied warplanes", "a barrage of rockets"
        near.extend(_children(p, n.i, frozenset({"conj"})))
        for of in _children(p, n.i, frozenset({"prep"})):
            if of.lemma == "of":
                near.extend(_children(p, of.i, frozenset({"pobj"})))
    for n in near:
        words = [n, *_children(p, n.i, frozenset({"compound", "amod", "nmod"}))]
        for w in words:
            kind = WEAPON_KIND.get(w.lemma)
            if kind is not None:
                return kind, w.lemma
    return None


def _light_kind(p: Parse, verb: Token) -> str | None:
    """The sort of happening a light verb's noun names ("took control", "launched an attack")."""
    nouns: list[Token] = []
    for c in p.children(verb.i):
        if c.dep in _OBJECTS or c.dep in _SUBJECTS or c.dep == "acomp":
            nouns.append(c)
        if c.dep == "prep":
            nouns.extend(_children(p, c.i, frozenset({"pobj"})))
        if c.dep == "advmod" and c.lemma in BACK_WORDS:
            nouns.extend(_children(p, c.i, frozenset({"prep"})))
    for n in nouns:
        pobj = [x for x in _children(p, n.i, frozenset({"pobj"}))] if n.pos == "ADP" else [n]
        for w in pobj:
            # "call-up" comes as "call - up": the hyphenated compound is the noun
            parts = [c.lemma for c in p.children(w.i) if c.dep == "compound"]
            kind = NOUN_KIND.get("-".join([*parts[-1:], w.lemma])) or NOUN_KIND.get(w.lemma)
            if kind is not None:
                back = any(c.lemma in BACK_WORDS for c in p.children(verb.i))
                return "regain" if kind == "takeover" and back else kind
    return None


def _down(p: Parse, verb: Token) -> bool:
    """ "shot down", "brought down": an interception, not an attack on the ground."""
    return any(c.lemma == "down" and c.dep in ("prt", "advmod") for c in p.children(verb.i))


def _someone_acts(p: Parse, verb: Token) -> bool:
    """Whether the verb's subject is a person or group (a name, people, forces), not a thing."""
    subj = next((c for c in p.children(verb.i) if c.dep in _SUBJECTS), None)
    if subj is None:
        return True
    words = [subj, *(c for c in p.children(subj.i) if c.dep in ("compound", "amod", "nmod"))]
    return any(
        w.pos in ("PROPN", "PRON", "NUM")
        or w.ent in ("NORP", "ORG", "PERSON")
        or (w.pos == "ADJ" and w.text[:1].isupper())
        or w.lemma in PEOPLE_NOUNS
        or w.lemma in _COUNT_WORDS
        for w in words
    )


def _kind(p: Parse, verb: Token) -> tuple[str, str] | None:
    if verb.lemma in WEAPON_VERBS and _down(p, verb):
        return None
    if verb.lemma in WEAPON_VERBS:
        weapon = _weapon(p, verb)
        if weapon is not None:
            return weapon
        fallback = WEAPON_VERBS[verb.lemma]
        subj = next((c for c in p.children(verb.i) if c.dep in _SUBJECTS), None)
        if subj is None or subj.pos == "PRON" or not _someone_acts(p, verb):
            return None  # "it had hit military targets": no one named, no weapon named
        return (fallback, "") if fallback else None
    particle = next((c.lemma for c in p.children(verb.i) if c.dep == "prt"), "")
    if _down(p, verb) and verb.lemma != "shut":
        return None  # "shot down drones": an interception, not an attack on the ground
    phrase = by_phrase(p, verb)
    if phrase is not None:
        return phrase, ""
    phrasal = PHRASAL_KIND.get((verb.lemma, particle))
    if phrasal is not None:
        return phrasal, ""
    if moves_in(p, verb):
        return "clash", ""
    kind = VERB_KIND.get(verb.lemma)
    if kind is not None:
        if verb.lemma in ANIMATE_ONLY and not _someone_acts(p, verb):
            return None
        if particle == "back" and kind in ("takeover", "retreat"):
            return "regain", ""
        return kind, ""
    if verb.lemma == "take" and any(c.lemma == "place" for c in p.children(verb.i)):
        return by_subject(p, verb)  # "the attack took place near …": the one told before
    if verb.lemma in LIGHT_VERBS or verb.lemma == "be":
        light = _light_kind(p, verb)
        back = any(c.lemma in BACK_WORDS for c in p.children(verb.i))
        if verb.lemma == "be" and not (light == "regain" and back):
            return None  # "it was the third attack": a description; "back in control": a report
        if light is not None:
            return light, ""
    told = by_object(p, verb)  # "residents reported an airstrike on X", "followed strikes on Y"
    if told is not None or verb.lemma in PLAN_LEMMAS | DENIAL_LEMMAS | RAISING_VERBS:
        return told
    return by_subject(p, verb)


def _by_weapon(p: Parse, verb: Token, kind: str) -> tuple[str, str]:
    """Casualties caused by a weapon that is the subject of the clause they hang on."""
    if kind != "casualties":
        return kind, ""
    own = [c for c in p.children(verb.i) if c.dep in _SUBJECTS]  # "the strike killed two"
    head = p.tokens[verb.head]
    for c in own + ([] if verb.head == verb.i else p.children(head.i)):
        if c.dep in _SUBJECTS:
            for w in p.subtree(c.i):
                weapon = WEAPON_KIND.get(w.lemma)
                if weapon is not None:
                    return weapon, w.lemma
    noun = subject_noun(p, verb)  # "the bombing of a market killed 12", "clashes killed 10"
    named = NOUN_KIND.get(noun.lemma) if noun is not None else None
    if named in ("airstrike", "explosion", "clash"):
        return named, ""
    return kind, ""


def why_not(p: Parse) -> str:
    """Why a sentence reports no happening: the first happening word's fault, else none."""
    for t in p.tokens:
        if (t.pos in ("VERB", "AUX") or t.lemma in WEAPON_VERBS) and _kind(p, t) is not None:
            reason = unreported(p, t)
            if reason is not None:
                return reason
    if any(t.dep == "neg" or t.lemma == "no" for t in p.tokens):
        return NEGATED
    return NO_HAPPENING


def find_predicates(p: Parse) -> list[Predicate]:
    """The happenings a parsed sentence reports, in order."""
    found: list[tuple[Token, str, str]] = []
    for t in p.tokens:
        if t.pos not in ("VERB", "AUX") and t.lemma not in WEAPON_VERBS:
            continue
        sort = _kind(p, t)
        if sort is None or unreported(p, t) is not None:
            continue
        if not sort[1]:
            sort = _by_weapon(p, t, sort[0])
        found.append((t, sort[0], sort[1]))
    if len(found) > 1:  # "…, capturing one of the busiest routes": part of the happening
        found = [(t, k, w) for t, k, w in found if not _bare_participle(p, t)] or found
    heads = {t.i for t, _, _ in found}
    out: list[Predicate] = []
    for t, kind, weapon in found:
        if _is_detail(p, t, kind, heads, found):
            continue
        carrier = _carrier(p, t, heads)
        tokens = _clause(p, carrier.i, heads)
        subject, obj = _arguments(p, t)
        brief = _brief(p, carrier, tokens)
        out.append(Predicate(kind, t.i, tokens, subject, obj, weapon, brief))
    if any(o.kind in ("protest", "riot") for o in out):  # arrests at a protest: its intervention
        out = [o for o in out if o.kind != "arrest"]
    return out


def _carrier(p: Parse, verb: Token, heads: set[int]) -> Token:
    """The clause that tells a participle's happening: "a bomber drove into a camp in Gao,
    killing five" is one happening, told where the driving is (its place and day)."""
    head = p.tokens[verb.head]
    hangs = verb.tag == "VBG" and verb.dep == "advcl" and head.i != verb.i
    if hangs and head.i not in heads and head.pos == "VERB" and head.lemma not in RAISING_VERBS:
        return head
    return verb


def _bare_participle(p: Parse, verb: Token) -> bool:
    """A participle clause without subject or auxiliary ("capturing the city")."""
    kids = p.children(verb.i)
    return verb.tag == "VBG" and not any(c.dep in ("aux", "auxpass", *_SUBJECTS) for c in kids)


def _is_detail(
    p: Parse, verb: Token, kind: str, heads: set[int], found: list[tuple[Token, str, str]]
) -> bool:
    """A participle or casualty clause that only adds to the happening it hangs on."""
    if kind == "casualties":
        for c in p.children(verb.i):
            when = any(m.lemma in ("when", "as") for m in p.children(c.i) if m.dep in _MARKS)
            if c.i in heads and c.dep == "advcl" and when:
                return True  # "12 were killed when fighters attacked …": the attack is the event
    if verb.head in heads and verb.head != verb.i:
        if verb.tag == "VBG" and verb.dep in ("advcl", "conj", "xcomp"):
            return True
        if kind == "casualties" and verb.dep in ("conj", "advcl"):
            return True
        head_kind = next((k for t, k, _ in found if t.i == verb.head), "")
        after = any(c.dep == "mark" and c.lemma == "after" for c in p.children(verb.i))
        if kind == "retreat" and after and head_kind in ("takeover", "clash"):
            return True  # "seized X after troops abandoned their posts": one happening
        undated = not any(t.ent in ("DATE", "TIME") for t in p.subtree(verb.i))
        if after and undated and head_kind not in ("", "retreat"):
            return True  # "fighting erupted after a commander was detained": its cause, undated
    return False


def _clause(p: Parse, head: int, heads: set[int]) -> tuple[int, ...]:
    """A predicate's words: its subtree, less nested happenings and reporting clauses."""
    keep: list[int] = []
    stack = [head]
    while stack:
        i = stack.pop()
        keep.append(i)
        for c in p.children(i):
            if c.i in heads and c.i != head and not _is_detail_idx(p, c, heads):
                continue
            stack.append(c.i)
    return tuple(sorted(keep))


_ASIDES = frozenset({"relcl", "appos", "parataxis", "meta"})


def _brief(p: Parse, verb: Token, tokens: tuple[int, ...]) -> tuple[int, ...]:
    """A clause without its asides (relative clauses, appositions, "according to …"), with
    the subject it borrows when it has none of its own ("… are reported to have closed")."""
    drop: set[int] = set()
    for i in tokens:
        t = p.tokens[i]
        aside = t.dep in _ASIDES or (t.dep == "prep" and t.lemma == "according")
        if aside and i != verb.i:
            drop.update(x.i for x in p.subtree(i))
    kept = [i for i in tokens if i not in drop]
    if verb.dep == "xcomp" and not any(p.tokens[i].dep in _SUBJECTS for i in kept):
        head = p.tokens[verb.head]
        subj = next((c for c in p.children(head.i) if c.dep in _SUBJECTS), None)
        if subj is not None:
            borrowed = [x.i for x in p.subtree(subj.i)]
            kept = sorted({*borrowed, *range(min(borrowed), verb.i), *kept})
    return tuple(kept)


def _is_detail_idx(p: Parse, t: Token, heads: set[int]) -> bool:
    return t.tag == "VBG" and t.dep in ("advcl", "conj", "xcomp")


def _span(p: Parse, i: int) -> tuple[int, ...]:
    words = [t.i for t in p.subtree(i) if t.dep not in ("punct", "relcl", "appos", "acl")]
    return tuple(words)


def _arguments(p: Parse, verb: Token) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Actor 1's and actor 2's words (empty when not named)."""
    kids = p.children(verb.i)
    subj = next((c for c in kids if c.dep in ("nsubj", "csubj")), None)
    passive = next((c for c in kids if c.dep == "nsubjpass"), None)
    agent = next((c for c in kids if c.dep == "agent"), None)
    obj = next((c for c in kids if c.dep in _OBJECTS), None)
    partner = None
    for c in kids:
        if c.dep == "prep" and c.lemma in ("with", "against", "on"):
            partner = next(iter(_children(p, c.i, frozenset({"pobj"}))), None)
    if subj is None and passive is None and verb.dep in ("acl", "advcl"):
        subj = p.tokens[verb.head] if verb.dep == "acl" else None
    if subj is None and passive is None and verb.dep == "xcomp":
        head = p.tokens[verb.head]
        subj = next((c for c in p.children(head.i) if c.dep in _SUBJECTS), None)
    if subj is not None and subj.pos == "PRON" and verb.dep == "ccomp":
        # "the group said it had seized …": the one who said it
        speaker = next((c for c in p.children(verb.head) if c.dep in _SUBJECTS), None)
        subj = speaker if speaker is not None else subj
    if subj is None and passive is None and verb.dep in ("conj", "advcl"):
        head = p.tokens[verb.head]
        subj = next((c for c in p.children(head.i) if c.dep in _SUBJECTS), None)
    actor1: tuple[int, ...] = ()
    actor2: tuple[int, ...] = ()
    if agent is not None:
        pobj = next(iter(_children(p, agent.i, frozenset({"pobj"}))), None)
        actor1 = _span(p, pobj.i) if pobj is not None else ()
    elif subj is not None:
        actor1 = _span(p, subj.i)
    taker = handed_to(p, verb)
    if taker is not None:  # "soldiers surrendered the base to rebels": the rebels take it
        return _span(p, taker.i), actor1
    if passive is not None:
        actor2 = _span(p, passive.i)
    elif obj is not None:
        actor2 = _span(p, obj.i)
    elif partner is not None:
        actor2 = _span(p, partner.i)
    return actor1, actor2


def is_crowd(p: Parse, words: tuple[int, ...]) -> bool:
    """Whether an actor's words name a crowd (protesters, demonstrators, residents)."""
    return any(p.tokens[i].lemma in CROWD_NOUNS for i in words)

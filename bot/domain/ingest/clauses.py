"""What a clause says besides its happening: its words, counts, claims, and whether it is a
background statistic or displacement rather than an event (helpers of ``extract``)."""

from __future__ import annotations

import re

from bot.domain.actors.registry import ActorRegistry
from bot.domain.events.model import ClaimStatus
from bot.domain.ingest import lexicon as lx
from bot.domain.ingest.actors import group_spokesman
from bot.domain.ingest.candidates import larger
from bot.domain.ingest.kinds import DISPLACED_NOUNS, WEAPON_KIND
from bot.domain.ingest.parsing import Parse
from bot.domain.ingest.predicates import Predicate
from bot.domain.questions.timetypes import FuzzyDate, Precision

_PERIODS = frozenset("day week month year decade hour".split())
NOT_COUNTS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"})
STATISTIC = frozenset({Precision.MONTH, Precision.YEAR})
MANY = 10  # weapons counted in tens or more are a tally of attacks, not one attack


def clause_text(p: Parse, tokens: tuple[int, ...]) -> str:
    """The words of a clause as written (runs of the sentence joined by a space)."""
    runs: list[str] = []
    start = prev = tokens[0]
    for i in [*tokens[1:], -1]:
        if i == prev + 1:
            prev = i
            continue
        runs.append(p.text[p.tokens[start].idx : p.tokens[prev].end])
        start = prev = i
    return " ".join(r.strip(" ,;") for r in runs if r.strip(" ,;"))


def background(p: Parse, pred: Predicate) -> bool:
    """A state over a period ("has fought the army for decades", "hit … since May")."""
    head = p.tokens[pred.head]
    for c in p.children(head.i):
        if c.dep == "prep" and c.lemma in ("since", "for"):
            if any(p.tokens[x.i].ent == "DATE" for x in p.children(c.i)):
                return True
            if any(x.lemma in _PERIODS for x in p.children(c.i)):
                return True
            if c.lemma == "since":
                return True
    return False


# Words every match of a count pattern holds: a text without them is not scanned (the patterns'
# optional lead-ins make a scan of every position slow).
_NEEDED = {
    lx.KILLED_RE: re.compile(r"kill|dead|died|slain", re.I),
    lx.INJURED_RE: re.compile(r"injur|wound|hurt", re.I),
}


def count(pattern: re.Pattern[str], p: Parse, text: str) -> int | None:
    """The largest count of people the pattern finds, numbers in dates or percentages aside."""
    needed = _NEEDED.get(pattern)
    if needed is not None and needed.search(text) is None:
        return None
    best: int | None = None
    for m in pattern.finditer(text):
        for g in range(1, (m.lastindex or 0) + 1):
            word = m.group(g)
            if not word:
                continue
            at = m.start(g)
            ent = p.entity_at(at, at + len(word)) if text is p.text else None
            if ent is not None and ent.label in NOT_COUNTS:
                continue
            if word.isdigit() and len(word) == 4 and 1900 <= int(word) <= 2100:
                continue  # a year, not a count
            best = larger(best, lx.number_value(word) or None)
    return best


def claim_of(text: str, registry: ActorRegistry) -> tuple[ClaimStatus, list[str]]:
    """The claim status of a sentence and its attribution, briefly."""
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
        notes.append(f"according to {' '.join(m.group(1).split()[:8])}")
    for m in lx.SAID_RE.finditer(text):
        said = re.sub(r"^(?:the|The)\s+", "", m.group(0).lstrip(", "))
        if not any(said.split()[0] in n for n in notes):
            notes.append(said)
    if lx.REPORTEDLY_RE.search(text):
        notes.append("reportedly")
    return status, notes[:2]


def displaced(p: Parse, pred: Predicate) -> bool:
    """ "Thousands of residents fled": civilians on the move, not forces retreating."""
    words = [p.tokens[i] for i in pred.subject]
    head = p.tokens[pred.head]
    if head.dep == "relcl" and any(w.lemma in ("who", "whom") for w in words):
        words += p.subtree(head.head)  # "troops, hundreds of whom crossed": the troops
    armed = any(lx.ARMED_RE.search(w.text) for w in words)
    return not armed and any(w.lemma in DISPLACED_NOUNS for w in words)


def statistic(p: Parse, pred: Predicate, when: FuzzyDate | None) -> bool:
    """A figure over a period ("In 2023, 300 were killed", "hit by 2,000 strikes since May")."""
    if when is not None and when.precision in STATISTIC and pred.kind == "casualties":
        return True
    for i in pred.subject:
        t = p.tokens[i]
        numbers = [lx.number_value(c.text) for c in p.children(t.i) if c.dep == "nummod"]
        if t.tag == "NNS" and t.lemma in WEAPON_KIND and max(numbers, default=0) >= MANY:
            return True  # "2,000 strikes": many events counted, not one ("two explosions" is)
    return False

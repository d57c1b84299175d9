"""The working state of one extraction: clauses, candidate events and the article's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.domain.actors.loading import default_registry
from bot.domain.actors.registry import ActorRegistry
from bot.domain.events.model import ClaimStatus
from bot.domain.ingest import lexicon as lx
from bot.domain.ingest.text import Sentence, Skipped
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place
from bot.domain.questions.timetypes import FuzzyDate


@dataclass(slots=True)
class Clause:
    """A piece of a sentence that may report one happening."""

    text: str
    start: int  # offset in the sentence
    end: int


@dataclass(slots=True)
class Candidate:
    """An event being assembled from one or more sentences."""

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
    actor1: list[str] = field(default_factory=list)  # who acted
    actor2: list[str] = field(default_factory=list)  # who was acted on
    clause: str = ""  # the words of the first clause that reported it
    weapon: str = ""  # the weapon noun that made it an explosion
    fallback: bool = False  # no place of its own: the article's main place
    destination: str = ""  # where a movement went (the event is at its origin)
    reported: FuzzyDate | None = None  # the day of the report, when the clause has no day
    anaphoric: bool = False  # its doers are named as ones told before ("the attackers", "they")
    unarmed: bool = False  # the people acted on are named by a noun that says nothing of arms

    @property
    def last(self) -> Sentence:
        """The last sentence of the event so far."""
        return self.sentences[-1]


@dataclass(slots=True)
class Context:
    """What an extraction knows about its article, and what it found so far."""

    gazetteer: Gazetteer
    published: date
    home_country: Place | None
    home_group: str | None
    events: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    actors: ActorRegistry = field(default_factory=default_registry)


def larger(a: int | None, b: int | None) -> int | None:
    """The larger of two optional counts (None when both are unknown)."""
    if a is None:
        return b
    return a if b is None else max(a, b)

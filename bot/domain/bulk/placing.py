"""Where imported rows happened: the gazetteer's places, or new ones added for the file."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.bulk.ports import BulkStore, PlaceRefused
from bot.domain.bulk.types import ImportReport, PlaceHint
from bot.domain.bulk.ucdp import country_candidates
from bot.domain.events.model import LocationPrecision
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.index import place_forms
from bot.domain.places.model import Place, PlaceKind
from bot.domain.places.names import normalize_and_fold

log = logging.getLogger(__name__)

_PRECISION_RANK = {
    LocationPrecision.EXACT: 0,
    LocationPrecision.NEAR: 1,
    LocationPrecision.REGION: 2,
}


@dataclass(frozen=True, slots=True)
class Placed:
    """A row's place key (None: kept as written) and how exactly it is known."""

    key: str | None
    precision: LocationPrecision


class PlaceResolver:
    """Finds (or adds) the place of each imported row, remembering answers for the file."""

    def __init__(self, gazetteer: Gazetteer, store: BulkStore, report: ImportReport) -> None:
        self._store = store
        self._gaz = gazetteer
        self._report = report
        self._memo: dict[PlaceHint, Placed] = {}
        # The parser hands out one PlaceHint object per distinct place, so most rows are found
        # by identity before hashing; the hint is kept in the value, so its id stays its own.
        self._by_id: dict[int, tuple[PlaceHint, Placed]] = {}
        # admin areas by (name, kind, enclosing area): a file names a few hundred, many times
        self._admins: dict[tuple[str, PlaceKind, str | None], Place | None] = {}
        # UCDP: countries by name, and admin areas of the right kind by (name, kind, area)
        self._countries: dict[str, Place | None] = {}
        self._areas_in: dict[tuple[str, PlaceKind, str], Place | None] = {}
        # hints whose place is still to be added (by `place`): rows of a batch repeat them, and
        # each miss costs a typo-tolerant search of the world
        self._unplaced: set[PlaceHint] = set()
        # keys of the places called a name, and each place's key with its enclosing areas' keys:
        # "the place called X inside Y" is then a few set lookups instead of listing Y's places
        self._keys_named: dict[str, list[str]] = {}
        self._chains: dict[str, frozenset[str]] = {}
        self._named_by_form: dict[str, set[str]] = {}  # a name's forms: which lookups to drop
        self._areas_of: dict[tuple[str, ...], tuple[Place | None, Place | None, Place | None]] = {}

    def known(self, hint: PlaceHint) -> tuple[str | None, LocationPrecision] | None:
        """The place key and precision of a hint, when the gazetteer (or a hint resolved
        before) tells it without storing anything; None when a place has to be added first."""
        seen = self._by_id.get(id(hint))
        if seen is not None and seen[0] is hint:
            return seen[1].key, seen[1].precision
        found = self._memo.get(hint)
        if found is None and not hint.exact:
            if hint in self._unplaced:
                return None
            found = self._ucdp_known(hint) if hint.country is not None else self._acled_known(hint)
            if found is None:
                if len(self._unplaced) >= 100_000:
                    self._unplaced.clear()
                self._unplaced.add(hint)
                return None
            self._remember(hint, found)
        return (found.key, found.precision) if found is not None else None

    def _remember(self, hint: PlaceHint, found: Placed) -> None:
        self._unplaced.discard(hint)
        self._memo[hint] = found
        if len(self._by_id) >= 100_000:
            self._by_id.clear()
        self._by_id[id(hint)] = (hint, found)

    async def place(self, hint: PlaceHint) -> Placed:
        """The place key and location precision for a row's place hint."""
        seen = self._by_id.get(id(hint))
        if seen is not None and seen[0] is hint:
            return seen[1]
        found = self._memo.get(hint)
        if found is None:
            if hint.exact:
                found = await self._jsonl(hint)
            else:
                found = await (self._ucdp(hint) if hint.country is not None else self._acled(hint))
        self._remember(hint, found)
        return found

    async def _add(
        self, name: str, kind: PlaceKind, parent: str | None, lat: float | None, lon: float | None
    ) -> Place | None:
        before = len(self._gaz)
        try:
            place = await self._store.add_place(
                name, kind=kind, parent_key=parent, lat=lat, lon=lon
            )
        except PlaceRefused as exc:
            log.warning("import: cannot add place %r: %s", name, exc)
            return None
        if len(self._gaz) > before:
            self._report.places_added += 1
        self._forget_named(place)  # lookups the new place answers now
        return place

    def _cache_named(self, found: dict[str, list[str]]) -> None:
        """Remember the keys called these names, and each name by its forms."""
        if len(self._keys_named) + len(found) >= 100_000:
            self._keys_named.clear()
            self._named_by_form.clear()
        for name, keys in found.items():
            self._keys_named[name] = keys
            for form in normalize_and_fold(name):
                if form:
                    self._named_by_form.setdefault(form, set()).add(name)

    def _forget_named(self, place: Place) -> None:
        """Drop the remembered lookups of names sharing a form with a new place's names."""
        for forms in place_forms(place):
            for form in forms:
                for name in self._named_by_form.pop(form, ()):
                    self._keys_named.pop(name, None)

    async def _jsonl(self, hint: PlaceHint) -> Placed:
        if hint.key is None:
            return Placed(None, hint.precision)
        if hint.key in self._gaz:
            return Placed(hint.key, hint.precision)
        new = hint.new_place
        if new is not None:
            parent = new.parent if new.parent and new.parent in self._gaz else None
            place = await self._add(new.name, PlaceKind(new.kind), parent, new.lat, new.lon)
            if place is not None:
                return Placed(place.key, hint.precision)
        return Placed(None, hint.precision)

    def _admin(self, name: str, kind: PlaceKind, within: Place | None) -> Place | None:
        if not name:
            return None
        memo_key = (name, kind, within.key if within is not None else None)
        if memo_key in self._admins:
            return self._admins[memo_key]
        found = self._admin_area(name, kind, within)
        self._admins[memo_key] = found
        return found

    def _admin_area(self, name: str, kind: PlaceKind, within: Place | None) -> Place | None:
        place = self._gaz.resolve(f"{name} {kind.value}") or self._gaz.resolve(name)
        if place is None or (within is not None and not self._inside(place, within)):
            return None
        return place

    def _inside(self, place: Place, area: Place) -> bool:
        return area.key in self._chain(place.key)

    def _chain(self, key: str, depth: int = 0) -> frozenset[str]:
        """The key and the keys of every area enclosing it (remembered: they never change)."""
        found = self._chains.get(key)
        if found is None:
            place = self._gaz.get(key)
            parent = place.parent if place is not None else None
            if parent is None or depth > 16:  # no cycles in a gazetteer; bounded all the same
                found = frozenset([key])
            else:
                found = self._chain(parent, depth + 1) | {key}
            if len(self._chains) >= 100_000:
                self._chains.clear()
            self._chains[key] = found
        return found

    def prefetch(self, names: Iterable[str]) -> None:
        """Look up the places called these names at once (rows about to be placed)."""
        todo = {n for n in names if n and n not in self._keys_named}
        if todo:
            self._cache_named(self._gaz.keys_named(todo))

    def _named_within(self, name: str, area: Place, *, prefer_city: bool = False) -> list[Place]:
        """The gazetteer's named_within, from the keys called `name` and their enclosing areas
        (remembered) instead of every place inside the area."""
        keys = self._keys_named.get(name)
        if keys is None:
            keys = self._gaz.keys_named([name])[name]
            self._cache_named({name: keys})
        inside = [k for k in keys if area.key in self._chain(k)]
        return self._gaz.ranked(inside, prefer_city=prefer_city) if inside else []

    def _named(self, name: str, areas: list[Place]) -> Place | None:
        """The place called `name` inside the narrowest of the row's admin areas that has one.

        Names repeat across provinces (two Faizabads): the row's admin areas choose among them.
        Without known areas, the gazetteer's best match (typos forgiven) is taken; else a
        typo-tolerant match only inside the broadest area.
        """
        if not areas:
            return self._gaz.resolve(name, prefer_city=True)
        for area in areas:
            inside = self._named_within(name, area, prefer_city=True)
            if inside:
                return inside[0]
        if self._keys_named.get(name):
            return None  # resolve would give one of these places, none of them in the areas
        place = self._gaz.resolve(name, prefer_city=True)
        return place if place is not None and self._inside(place, areas[-1]) else None

    def _areas(self, hint: PlaceHint) -> tuple[Place | None, Place | None, Place | None]:
        """The row's admin1-3 areas the gazetteer knows (remembered per admin names)."""
        key = (*hint.admins, hint.in_country)
        found = self._areas_of.get(key)
        if found is None:
            found = self._find_areas(hint)
            if len(self._areas_of) >= 100_000:
                self._areas_of.clear()
            self._areas_of[key] = found
        return found

    def _find_areas(self, hint: PlaceHint) -> tuple[Place | None, Place | None, Place | None]:
        """The row's admin1-3 areas the gazetteer knows, inside the row's country when it
        knows that (by name or kind word first, then exactly or folded inside the country)."""
        country = self._country(hint.in_country) if hint.in_country else None
        if country is None:
            a1 = self._admin(hint.admins[0], PlaceKind.PROVINCE, None)
            a2 = self._admin(hint.admins[1], PlaceKind.DISTRICT, a1)
            return a1, a2, self._admin(hint.admins[2], PlaceKind.DISTRICT, a2 or a1)
        a1 = self._admin_in(hint.admins[0], PlaceKind.PROVINCE, country)
        if a1 is not None and hint.admins[1]:
            # two provinces of one name (Kyiv the city, Kyiv the oblast): the one holding admin2
            namesakes = [
                p
                for p in self._named_within(hint.admins[0], country)
                if p.kind is PlaceKind.PROVINCE
            ]
            held = [p for p in namesakes if self._area_in(hint.admins[1], PlaceKind.DISTRICT, p)]
            a1 = held[0] if held and a1 not in held else a1
        a2 = self._admin_in(hint.admins[1], PlaceKind.DISTRICT, a1 or country)
        return a1, a2, self._admin_in(hint.admins[2], PlaceKind.DISTRICT, a2 or a1 or country)

    def _admin_in(self, name: str, kind: PlaceKind, within: Place) -> Place | None:
        """An admin area inside `within`: of its kind first ("Kyiv" the province, not the
        city), else whatever the name resolves to there."""
        return self._area_in(name, kind, within) or self._admin(name, kind, within)

    def _acled_known(self, hint: PlaceHint) -> Placed | None:
        """An ACLED row's place from the gazetteer alone; None when a new town is to be added."""
        a1, a2, a3 = self._areas(hint)
        country = self._country(hint.in_country) if hint.in_country else None
        # the admin areas known, else the country: a guess must fall inside the broadest of them
        areas = [a for a in (a3, a2, a1) if a is not None] or ([country] if country else [])
        place = self._named(hint.as_written, areas)
        if place is not None:
            return Placed(place.key, hint.precision)
        area = a3 or a2 or a1
        if area is None:
            return Placed(None, hint.precision)
        if hint.lat is not None and hint.lon is not None:
            return None
        return self._within(hint, area, a1)

    @staticmethod
    def _within(hint: PlaceHint, area: Place, province: Place | None) -> Placed:
        """The row placed on its admin area (at best NEAR a district, REGION of a province)."""
        floor = LocationPrecision.REGION if area is province else LocationPrecision.NEAR
        precision = max(hint.precision, floor, key=_PRECISION_RANK.__getitem__)
        return Placed(area.key, precision)

    async def _acled(self, hint: PlaceHint) -> Placed:
        found = self._acled_known(hint)
        if found is not None:
            return found
        a1, a2, a3 = self._areas(hint)
        area = a3 or a2 or a1
        if area is None or hint.lat is None or hint.lon is None:  # _acled_known placed these
            return Placed(None, hint.precision)
        added = await self._add(hint.as_written, PlaceKind.TOWN, area.key, hint.lat, hint.lon)
        if added is not None:
            return Placed(added.key, hint.precision)
        return self._within(hint, area, a1)

    # ---- UCDP: places looked for inside the row's country only --------------------------------

    def _country(self, name: str) -> Place | None:
        if name not in self._countries:
            found = None
            for candidate in country_candidates(name):
                place = self._gaz.country_for_word(candidate)
                if place is not None and place.kind is PlaceKind.COUNTRY:
                    found = place
                    break
            self._countries[name] = found
        return self._countries[name]

    def _area_in(self, name: str, kind: PlaceKind, within: Place) -> Place | None:
        """The district or province called `name` inside `within` (a kind-checked lookup)."""
        if not name:
            return None
        memo_key = (name, kind, within.key)
        if memo_key not in self._areas_in:
            place = self._gaz.resolve(f"{name} {kind.value}")
            if place is None or place.kind is not kind or not self._inside(place, within):
                named = [p for p in self._named_within(name, within) if p.kind is kind]
                place = named[0] if named else None
            self._areas_in[memo_key] = place
        return self._areas_in[memo_key]

    def _ucdp_areas(self, hint: PlaceHint) -> tuple[Place | None, Place | None, Place | None]:
        """The row's country, province (adm_1) and district (adm_2), those the gazetteer knows."""
        country = self._country(hint.country or "")
        if country is None:
            return None, None, None
        a1 = self._area_in(hint.admins[0], PlaceKind.PROVINCE, country)
        a2 = self._area_in(hint.admins[1], PlaceKind.DISTRICT, a1 or country)
        return country, a1, a2

    def _level_area(
        self, hint: PlaceHint, country: Place, a1: Place | None, a2: Place | None
    ) -> Place | None:
        """The admin area a district/province/country-level row is placed on, if known."""
        if hint.level is PlaceKind.COUNTRY:
            return country
        if hint.level is PlaceKind.PROVINCE:
            return self._area_in(hint.as_written, PlaceKind.PROVINCE, country) or a1
        if hint.level is PlaceKind.DISTRICT:
            return self._area_in(hint.as_written, PlaceKind.DISTRICT, a1 or country) or a2
        return None

    def _ucdp_named(self, name: str, areas: list[Place], country: Place) -> Place | None:
        """The place called `name` (exactly or folded) in the narrowest known area, else in the
        country.

        No typo-tolerant guess: which place a guess finds depends on the places the import has
        added so far, so a second import of the file would place its rows elsewhere.
        """
        for area in areas or [country]:
            inside = self._named_within(name, area, prefer_city=True)
            if inside:
                return inside[0]
        return None

    def _ucdp_known(self, hint: PlaceHint) -> Placed | None:
        """A UCDP row's place from the gazetteer alone; None when a new town is to be added.

        A row whose country the gazetteer does not know is kept as written.
        """
        country, a1, a2 = self._ucdp_areas(hint)
        if country is None:
            return Placed(None, hint.precision)
        level = self._level_area(hint, country, a1, a2)
        if level is not None:
            return Placed(level.key, hint.precision)
        areas = [a for a in (a2, a1) if a is not None]
        place = self._ucdp_named(hint.as_written, areas, country)
        if place is not None:
            return Placed(place.key, hint.precision)
        if hint.lat is not None and hint.lon is not None:
            return None
        return self._within(hint, a2 or a1 or country, a1 or country)

    async def _ucdp(self, hint: PlaceHint) -> Placed:
        found = self._ucdp_known(hint)
        if found is not None:
            return found
        country, a1, a2 = self._ucdp_areas(hint)
        area = a2 or a1 or country
        if area is None or hint.lat is None or hint.lon is None:  # _ucdp_known placed these
            return Placed(None, hint.precision)
        added = await self._add(hint.as_written, PlaceKind.TOWN, area.key, hint.lat, hint.lon)
        if added is not None:
            return Placed(added.key, hint.precision)
        return self._within(hint, area, a1 or country)

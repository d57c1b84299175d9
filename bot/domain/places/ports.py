"""What the gazetteer needs from the shipped world file (implemented by ``bot.store.atlas``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from bot.domain.places.model import Place, PlaceKind


class PlaceAtlas(Protocol):
    """The read-only world gazetteer: places by key and by indexed name."""

    def __len__(self) -> int:
        """How many places the file holds."""
        ...

    def get(self, key: str) -> Place | None:
        """The place with this key, or None."""
        ...

    def keys_by_norm(self, norms: Collection[str]) -> dict[str, list[str]]:
        """Place keys for each normalized name found (names not found are left out)."""
        ...

    def keys_by_fold(self, folds: Collection[str]) -> dict[str, list[str]]:
        """Place keys for each folded name found, exact names included."""
        ...

    def keys_by_demonym(self, norms: Collection[str]) -> dict[str, list[str]]:
        """Country keys for each normalized demonym found ("afghan", "sudanese")."""
        ...

    def word_frequency(self, norm: str) -> float:
        """How common a normalized word is (Zipf, 0 for rare words and names)."""
        ...

    def descendants(self, key: str) -> frozenset[str]:
        """The keys of everything inside a place (the place itself included)."""
        ...

    def typo_names(self, first: str) -> list[str]:
        """Folded names starting with `first` that a typo may reach (areas, curated places,
        larger towns), sorted."""
        ...

    def places_of_kind(self, kind: PlaceKind, country: str | None = None) -> list[Place]:
        """Places of one kind (in one country), sorted by key; towns only with a country."""
        ...

    def crossings_to(self, iso2: str) -> list[Place]:
        """Border crossings leading to a country, sorted by name."""
        ...

    def zones(self, iso2: str) -> list[str]:
        """The time zones of a country, most populous first."""
        ...

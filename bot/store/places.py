"""Places in the store: the places admins add, and the aliases they give shipped places.

The shipped places themselves are the atlas file's (``bot.store.atlas``); this table holds only
what a deployment adds to it, replayed into the gazetteer on start.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from unidecode import unidecode

from bot.domain.clock import Clock
from bot.domain.places.errors import PlaceError
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind
from bot.store.models.events import PlaceRow

log = logging.getLogger(__name__)

ADMIN_SOURCE = "admin"
ALIAS_SOURCE = "alias"  # a row holding aliases admins gave a shipped place


def _lines(values: Iterable[str]) -> str:
    return "\n".join(v for v in values if v)


def _split(text: str) -> tuple[str, ...]:
    return tuple(v for v in text.split("\n") if v)


def slugify(name: str) -> str:
    """A key-shaped slug of a name: lowercase ASCII words joined by hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower()).strip("-")
    return slug[:40].strip("-") or "place"


def _row_values(place: Place) -> dict[str, object]:
    return {
        "name": place.name,
        "kind": str(place.kind),
        "parent_key": place.parent,
        "country": place.country or None,
        "lat": place.lat,
        "lon": place.lon,
        "borders": place.borders,
        "aliases": _lines(place.aliases),
        "names_local": _lines(place.names_local),
    }


class PlaceStore:
    """Keeps the places table and the in-memory gazetteer in step."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, gazetteer: Gazetteer
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.gazetteer = gazetteer

    async def sync(self) -> int:
        """Load what the table adds to the shipped atlas: admins' places and every alias
        added to a shipped place. Returns how many places were added to the gazetteer.

        Shipped places live in the atlas file, not in the table (rows an older version
        copied there are read for their extra aliases only), so start-up writes nothing.
        """
        async with self._sessions() as session:
            rows = list((await session.scalars(select(PlaceRow))).all())
        admin = [r for r in rows if r.source == ADMIN_SOURCE]
        added = 0
        while admin:  # parents first: an admin place may sit inside another
            ready = [r for r in admin if not r.parent_key or r.parent_key in self.gazetteer]
            if not ready:
                log.warning("places %s: unknown parents", [r.key for r in admin][:10])
                break
            for row in ready:
                self.gazetteer.add(self._place_of(row))
                admin.remove(row)
                added += 1
        for row in rows:
            place = self.gazetteer.get(row.key) if row.source != ADMIN_SOURCE else None
            if place is None:
                continue
            for alias in _split(row.aliases) + _split(row.names_local):
                if alias not in place.all_names():
                    self.gazetteer.add_alias(place.key, alias)
        if added:
            log.info("gazetteer: %d places added by admins", added)
        return added

    @staticmethod
    def _place_of(row: PlaceRow) -> Place:
        return Place(
            key=row.key,
            name=row.name,
            kind=PlaceKind(row.kind),
            parent=row.parent_key,
            country=row.country or "",
            lat=row.lat,
            lon=row.lon,
            aliases=_split(row.aliases),
            names_local=_split(row.names_local),
            borders=row.borders,
            source=row.source,
        )

    async def add_place(
        self,
        name: str,
        *,
        kind: PlaceKind = PlaceKind.OTHER,
        parent_key: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        aliases: Iterable[str] = (),
        by: int | None = None,
    ) -> Place:
        """Add a place (admins, or imports of places the gazetteer lacks)."""
        name = " ".join(name.split())
        if not name or len(name) > 120:
            raise PlaceError("A place needs a name of 1–120 characters.")
        lat_bad = lat is not None and not -90 <= lat <= 90
        if lat_bad or (lon is not None and not -180 <= lon <= 180):
            raise PlaceError("Coordinates must be latitude −90…90 and longitude −180…180.")
        parent = self.gazetteer.get(parent_key) if parent_key else None
        if parent_key and parent is None:
            raise PlaceError(f"Unknown parent place {parent_key!r}.")
        existing = self.gazetteer.resolve(name)
        same_name = existing is not None and existing.name.casefold() == name.casefold()
        if existing is not None and same_name and (parent is None or existing.parent == parent.key):
            return existing
        base = slugify(name)
        key, n = base, 2
        while key in self.gazetteer:
            key, n = f"{base}-{n}", n + 1
        place = Place(
            key=key,
            name=name,
            kind=kind,
            parent=parent.key if parent else None,
            country=parent.country if parent else "",
            lat=lat,
            lon=lon,
            aliases=tuple(a.strip() for a in aliases if a.strip()),
            source=ADMIN_SOURCE,
        )
        async with self._sessions.begin() as session:
            session.add(
                PlaceRow(
                    key=key,
                    source=ADMIN_SOURCE,
                    added_by=by,
                    added_at=self._clock.now(),
                    **_row_values(place),
                )
            )
        self.gazetteer.add(place)
        return place

    async def add_alias(self, key: str, alias: str, *, by: int | None = None) -> Place:
        """Teach the gazetteer another name for a place."""
        alias = " ".join(alias.split())
        place = self.gazetteer.get(key)
        if place is None:
            raise PlaceError(f"Unknown place {key!r}.")
        if not alias or len(alias) > 120:
            raise PlaceError("An alias needs 1–120 characters.")
        async with self._sessions.begin() as session:
            row = await session.get(PlaceRow, key)
            if row is None:  # a shipped place: the row holds only what admins taught
                values = {**_row_values(place), "aliases": "", "names_local": ""}
                row = PlaceRow(
                    key=key, source=ALIAS_SOURCE, added_by=by, added_at=self._clock.now(), **values
                )
                session.add(row)
            if alias not in _split(row.aliases):
                row.aliases = _lines((*_split(row.aliases), alias))
        self.gazetteer.add_alias(key, alias)
        updated = self.gazetteer.get(key)
        assert updated is not None
        return updated

"""Actors in the store: the shipped file synced on start, names learned from imports, and the
actors and aliases admins add; every change is mirrored in the in-memory registry."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.actors.edits import clean_name
from bot.domain.actors.learning import new_actor_names
from bot.domain.actors.loading import shipped_actors
from bot.domain.actors.model import ADMIN, IMPORTED, SHIPPED, UNKNOWN_KIND, Actor, ActorError
from bot.domain.actors.registry import ActorRegistry
from bot.domain.clock import Clock
from bot.domain.events.records import ACTOR_SEP
from bot.store.models.actors import ActorRow
from bot.store.models.events import EventRow

log = logging.getLogger(__name__)

LOAD_ATTEMPTS = 3  # another instance may insert the same shipped rows at the same time


def _lines(values: Iterable[str]) -> str:
    return "\n".join(v for v in values if v)


def _split(text: str) -> tuple[str, ...]:
    return tuple(v for v in text.split("\n") if v)


def _values(actor: Actor) -> dict[str, str]:
    return {
        "kind": actor.kind,
        "aliases": _lines(actor.aliases),
        "countries": " ".join(actor.countries),
        "search_terms": _lines(actor.search),
    }


def actor_of(row: ActorRow) -> Actor:
    """The domain actor a row holds."""
    return Actor(
        name=row.name,
        kind=row.kind or UNKNOWN_KIND,
        countries=tuple(row.countries.split()),
        aliases=_split(row.aliases),
        source=row.source,
        search=_split(row.search_terms),
    )


class ActorStore:
    """Keeps the actors table and the in-memory actor registry in step."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        registry: ActorRegistry | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.registry = registry if registry is not None else ActorRegistry()

    async def load(self) -> int:
        """Sync the shipped actors into the table, then load every stored actor into the registry.

        Returns how many rows were written. Aliases that imports or admins added to a shipped
        actor survive upgrades of the file; shipped rows the file no longer holds are deleted.
        """
        for attempt in range(1, LOAD_ATTEMPTS + 1):
            try:
                return await self._load_once()
            except IntegrityError:
                if attempt == LOAD_ATTEMPTS:
                    raise
                log.info("actors: another instance synced the shipped actors; reading again")
        return 0  # pragma: no cover - the loop returns or raises

    async def _load_once(self) -> int:
        written = 0
        now = self._clock.now()
        shipped = {a.name: a for a in shipped_actors()}
        async with self._sessions.begin() as session:
            rows = {r.name: r for r in (await session.scalars(select(ActorRow))).all()}
            for actor in shipped.values():
                row = rows.get(actor.name)
                values = _values(actor)
                if row is None:
                    row = ActorRow(
                        name=actor.name, source=SHIPPED, created_at=now, updated_at=now, **values
                    )
                    session.add(row)
                    rows[actor.name] = row
                    written += 1
                    continue
                extra = [a for a in _split(row.aliases) if a not in actor.aliases]
                values["aliases"] = _lines((*actor.aliases, *extra))
                values["source"] = SHIPPED
                if any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    row.updated_at = now
                    written += 1
            gone = [n for n, r in rows.items() if r.source == SHIPPED and n not in shipped]
            if gone:
                await session.execute(delete(ActorRow).where(ActorRow.name.in_(gone)))
                written += len(gone)
            actors = [actor_of(r) for n, r in rows.items() if n not in gone]
        self.registry.add_many(actors)
        for name in gone:
            self.registry.remove(name)
        if written:
            log.info("actors: %d rows written, %d actors known", written, len(self.registry))
        return written

    async def learn(self, names: Iterable[str], source: str = IMPORTED) -> list[Actor]:
        """Add the names no known actor goes by as new actors (kind unknown); the actors added."""
        fresh = new_actor_names(names, self.registry)
        if not fresh:
            return []
        now = self._clock.now()
        async with self._sessions.begin() as session:
            stored = set(
                (await session.scalars(select(ActorRow.name).where(ActorRow.name.in_(fresh)))).all()
            )
            added = [Actor(name=n, source=source) for n in fresh if n not in stored]
            for actor in added:
                session.add(
                    ActorRow(
                        name=actor.name,
                        source=source,
                        created_at=now,
                        updated_at=now,
                        **_values(actor),
                    )
                )
        self.registry.add_many(added)
        log.info("actors: learned %d new actor names from %s", len(added), source)
        return added

    async def learn_from_events(
        self, since: datetime | None = None, source: str = IMPORTED
    ) -> list[Actor]:
        """Learn the actor names of the events stored or changed since `since` (all: None)."""
        query = select(EventRow.actors_text).distinct()
        if since is not None:
            query = query.where(EventRow.updated_at >= since)
        names: dict[str, None] = {}
        async with self._sessions() as session:
            for text in (await session.scalars(query)).all():
                names.update(dict.fromkeys(n.strip() for n in (text or "").split(ACTOR_SEP)))
        return await self.learn(names, source)

    async def add(
        self,
        name: str,
        aliases: Iterable[str] = (),
        *,
        kind: str = UNKNOWN_KIND,
        by: int | None = None,
    ) -> Actor:
        """Add an actor (admins); ActorError when the name or an alias is already taken."""
        name = clean_name(name)
        known = self.registry.owners(name)
        if known:
            raise ActorError(f"“{name}” is already a name of {known[0].name}.")
        clean = [clean_name(a, "alias") for a in aliases]
        for alias in clean:
            self._check_free(alias, None)
        actor = Actor(name=name, kind=kind, aliases=tuple(dict.fromkeys(clean)), source=ADMIN)
        now = self._clock.now()
        try:
            async with self._sessions.begin() as session:
                session.add(
                    ActorRow(
                        name=name,
                        source=ADMIN,
                        added_by=by,
                        created_at=now,
                        updated_at=now,
                        **_values(actor),
                    )
                )
        except IntegrityError:
            raise ActorError(f"An actor called “{name}” was added meanwhile.") from None
        self.registry.put(actor)
        return actor

    async def alias(self, name: str, alias: str, *, by: int | None = None) -> Actor:
        """Give a known actor another name (admins); ActorError when it cannot be."""
        actor = self.registry.resolve(name)
        if actor is None:
            raise ActorError(f"I don't know an actor called “{name}”.")
        alias = clean_name(alias, "alias")
        self._check_free(alias, actor)
        search = (*actor.search, alias) if actor.search else ()
        updated = Actor(
            name=actor.name,
            kind=actor.kind,
            countries=actor.countries,
            aliases=(*actor.aliases, alias),
            source=actor.source,
            search=search,
        )
        async with self._sessions.begin() as session:
            row = await session.scalar(select(ActorRow).where(ActorRow.name == actor.name))
            if row is None:
                raise ActorError(f"“{actor.name}” is not stored; nothing to change.")
            row.aliases = _lines((*_split(row.aliases), alias))
            row.search_terms = _lines(search)
            row.updated_at = self._clock.now()
            if by is not None and row.added_by is None:
                row.added_by = by
        self.registry.put(updated)
        return updated

    async def remove(self, name: str, *, by: int | None = None) -> bool:
        """Delete an actor an import or an admin added; shipped actors stay (ActorError)."""
        actor = self.registry.resolve(name) or self.registry.get(name)
        if actor is None:
            return False
        if actor.source == SHIPPED:
            raise ActorError(f"{actor.name} ships with Sitrep and cannot be removed.")
        async with self._sessions.begin() as session:
            result = await session.execute(delete(ActorRow).where(ActorRow.name == actor.name))
        self.registry.remove(actor.name)
        log.info("actors: %s removed by %s", actor.name, by)
        return bool(getattr(result, "rowcount", 0))

    async def all(self) -> list[Actor]:
        """Every stored actor, by name."""
        async with self._sessions() as session:
            rows = (await session.scalars(select(ActorRow).order_by(ActorRow.name))).all()
        return [actor_of(r) for r in rows]

    def _check_free(self, alias: str, owner: Actor | None) -> None:
        """ActorError when the alias already names an actor (`owner` itself included)."""
        for other in self.registry.owners(alias):
            if owner is not None and other.name == owner.name:
                raise ActorError(f"“{alias}” is already a name of {other.name}.")
            raise ActorError(f"“{alias}” already names {other.name}.")

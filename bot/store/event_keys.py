"""Events' export identities: the keyless events' creation instants, keys given to them, and
events found by key (re-importing an export into the store it came from)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.bulk.keys import SITREP_PREFIX, Identity
from bot.store.models.events import EventRow

_CHUNK = 500  # keys per IN (...) list


class EventKeys:
    """Keys of stored events (the domain's KeyStore for re-imports)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def keyless(self) -> list[Identity]:
        """Every event without an external key (articles', admins'), with its creation instant."""
        stmt = select(EventRow.id, EventRow.created_at).where(EventRow.external_key.is_(None))
        async with self._sessions() as session:
            rows = (await session.execute(stmt)).all()
        return [Identity(r.id, r.created_at, None) for r in rows]

    async def sitrep_keys(self) -> set[str]:
        """The ``sitrep:`` keys already stored (a new one must not repeat them)."""
        stmt = select(EventRow.external_key).where(
            EventRow.external_key.startswith(SITREP_PREFIX, autoescape=True)
        )
        async with self._sessions() as session:
            return {k for k in (await session.scalars(stmt)).all() if k}

    async def set_keys(self, keys: Mapping[int, str]) -> None:
        """Give keyless events these keys (an event that has a key keeps it)."""
        if not keys:
            return
        table = cast(Table, EventRow.__table__)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("event_id"), table.c.external_key.is_(None))
            .values(external_key=bindparam("key"))
        )
        params = [{"event_id": i, "key": k} for i, k in keys.items()]
        async with self._sessions.begin() as session:
            conn = await session.connection()
            await conn.execute(stmt, params)

    async def ids_of(self, keys: Sequence[str]) -> dict[str, int]:
        """The ids of the events with these keys."""
        out: dict[str, int] = {}
        wanted = list(dict.fromkeys(keys))
        async with self._sessions() as session:
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                rows = await session.execute(
                    select(EventRow.external_key, EventRow.id).where(
                        EventRow.external_key.in_(chunk)
                    )
                )
                out.update({k: event_id for k, event_id in rows.all() if k})
        return out

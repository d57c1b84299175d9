"""A live instance keeps the leases of the updates it holds, however long its queue: no other
instance (and no sweep of its own) takes them while it renews; once it stops, they are taken."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.clock import FixedClock
from bot.store.inbox import LEASE, UpdateInbox
from bot.store.session import create_engine, create_sessionmaker

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


async def test_renewed_leases_are_not_taken_and_lapsed_ones_are(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        sessions = create_sessionmaker(engine)
        clock = FixedClock(NOW)
        busy = UpdateInbox(sessions, clock, "host:1")
        other = UpdateInbox(sessions, clock, "host:2")
        for n in (1, 2, 3):
            assert await busy.accept(n, {"update_id": n})
        for _ in range(4):  # a long queue: two leases' time, renewed every half lease
            clock.advance(LEASE / 2)
            assert await busy.renew() == 3
            assert await other.reclaim() == []
            assert await busy.reclaim() == []
        await busy.done(1)
        assert await busy.renew() == 2
        clock.advance(LEASE * 2)  # busy died: its leases lapse
        assert [u.update_id for u in await other.reclaim()] == [2, 3]
        assert await busy.renew() == 0  # taken over: no longer busy's to renew
    finally:
        await engine.dispose()

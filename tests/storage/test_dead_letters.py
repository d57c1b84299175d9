"""Dead letters on SQLite and PostgreSQL: any body fits (invalid UTF-8, NULs, lone surrogates,
megabytes), an update id is kept once, the table is purged by age and count, and an update
given up after its attempts is set aside with the body the inbox held."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.bootstrap import open_services
from bot.config import Settings
from bot.domain.clock import FixedClock
from bot.store import deadletters
from bot.store.deadletters import KEEP, MAX_BODY_CHARS, DeadLetters
from bot.store.inbox import LEASE, MAX_ATTEMPTS, UpdateInbox
from bot.store.session import create_engine, create_sessionmaker

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
async def clock_and_letters(db_url: str) -> AsyncIterator[tuple[FixedClock, DeadLetters]]:
    """A dead-letter table on a fresh migrated store, with a clock the test moves."""
    engine = create_engine(db_url)
    clock = FixedClock(NOW)
    try:
        yield clock, DeadLetters(create_sessionmaker(engine), clock)
    finally:
        await engine.dispose()


async def test_any_body_is_kept_escaped_and_capped(
    clock_and_letters: tuple[FixedClock, DeadLetters],
) -> None:
    _, letters = clock_and_letters
    bodies: list[bytes | str] = [
        b'{"update_id": 1, "message": "\xff\xfe"}',
        b'{"a": "\x00"}',
        '{"text": "\ud800 and <b>"}',
        b"x" * (5 * 1024 * 1024),
    ]
    for n, body in enumerate(bodies, start=1):
        assert await letters.record(n, "webhook", f"bad \x00 {n}\udfff", body) is True
    got = {d.update_id: d for d in await letters.recent(10)}
    assert got[1].body == '{"update_id": 1, "message": "\\xff\\xfe"}'
    assert got[2].body == '{"a": "\\x00"}'
    assert got[3].body == '{"text": "\\ud800 and <b>"}'
    assert got[4].size == 5 * 1024 * 1024 and len(got[4].body) == MAX_BODY_CHARS
    assert got[1].reason == "bad \\x00 1\\udfff"
    assert await letters.count() == 4


async def test_an_update_id_is_kept_once_and_odd_ids_are_kept_without_one(
    clock_and_letters: tuple[FixedClock, DeadLetters],
) -> None:
    _, letters = clock_and_letters
    assert await letters.record(7, "webhook", "not an update", b"{}") is True
    assert await letters.record(7, "webhook", "not an update", b"{}") is False
    for odd in (None, 2**63, "abc", 1.5, True):
        assert await letters.record(odd, "webhook", "bad id", b"{}") is True
    ids = sorted((d.update_id for d in await letters.recent(10)), key=str)
    assert ids == [7, None, None, None, None, None]


async def test_purge_drops_old_letters_and_keeps_the_newest_rows(
    clock_and_letters: tuple[FixedClock, DeadLetters], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock, letters = clock_and_letters
    await letters.record(1, "polling", "old", b"{}")
    clock.advance(KEEP + timedelta(hours=1))
    for n in range(2, 7):
        await letters.record(n, "polling", "new", b"{}")
    monkeypatch.setattr(deadletters, "MAX_ROWS", 3)
    assert await letters.purge() == 3  # the old one, then two beyond the newest three
    assert sorted(d.update_id or 0 for d in await letters.recent(10)) == [4, 5, 6]
    assert await letters.count(since=NOW + KEEP) == 3


async def test_an_update_given_up_after_its_attempts_is_set_aside(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        sessions = create_sessionmaker(engine)
        clock = FixedClock(NOW)
        inbox = UpdateInbox(sessions, clock, "host:1")
        body = {"update_id": 55, "message": {"text": "crashes its handler \u00e9"}}
        assert await inbox.accept(55, body) is True
        handled = 1
        while True:  # each restart of this instance takes it again, until it is given up
            clock.advance(LEASE * 2)
            again = await inbox.reclaim(mine=True)
            if not again:
                break
            handled += 1
        assert handled == MAX_ATTEMPTS
        assert await inbox.pending() == 0
        [letter] = await inbox.dead_letters.recent()
        assert letter.update_id == 55 and letter.source == "inbox"
        assert letter.reason == f"given up after {MAX_ATTEMPTS} attempts"
        assert "crashes its handler é" in letter.body
    finally:
        await engine.dispose()


async def test_stats_count_the_letters_of_the_last_seven_days(db_url: str) -> None:
    settings = Settings(_env_file=None, database_url=db_url)  # type: ignore[call-arg]
    async with open_services(settings, FixedClock(NOW)) as domain:
        letters = domain.inbox.dead_letters
        quiet = await domain.stats.collect(NOW)
        assert quiet.dead_letters == 0
        assert "set aside" not in domain.renderer.render("stats.html", s=quiet, max_places=5)
        for n in (1, 2):
            await letters.record(n, "webhook", "400 not JSON", b"{")
        stats = await domain.stats.collect(NOW)
        text = domain.renderer.render("stats.html", s=stats, max_places=5)
    assert stats.dead_letters == 2
    assert "Updates set aside (could not be read or handled): 2" in text

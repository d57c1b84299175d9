"""Conversation state (chat_state) on SQLite and PostgreSQL: set, get, expire, purge, delete,
take, forget, token paging, and two "instances" (own engines) writing the same key at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.clock import FixedClock
from bot.store.chatstate import ChatStateStore
from bot.store.models.state import ChatStateRow
from bot.store.session import create_sessionmaker

NOW = datetime(2021, 7, 10, 4, 30, tzinfo=UTC)
HOUR = timedelta(hours=1)
CHAT, USER, OTHER_CHAT, OTHER_USER = -100123, 777, 1001, 1002


@pytest.fixture
def clock() -> FixedClock:
    """The clock both stores read."""
    return FixedClock(NOW)


@pytest.fixture
def store(engines: list[AsyncEngine], clock: FixedClock) -> ChatStateStore:
    """The store of the first instance."""
    return ChatStateStore(create_sessionmaker(engines[0]), clock)


@pytest.fixture
def second(engines: list[AsyncEngine], clock: FixedClock) -> ChatStateStore:
    """The store of the second instance."""
    return ChatStateStore(create_sessionmaker(engines[1]), clock)


async def _rows(store: ChatStateStore) -> int:
    async with store._sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ChatStateRow)) or 0)


async def test_put_get_replace_and_scopes(store: ChatStateStore, second: ChatStateStore) -> None:
    assert await store.get(CHAT, USER, "form") is None
    value = {"kind": "addevent", "step": "date", "nested": {"n": [1, 2.5, None, "é"]}}
    await store.put(CHAT, USER, "form", value, HOUR)
    assert await second.get(CHAT, USER, "form") == value  # the other instance reads it
    assert await store.get(CHAT, None, "form") is None  # chat-wide state is separate
    assert await store.get(CHAT, OTHER_USER, "form") is None
    assert await store.get(OTHER_CHAT, USER, "form") is None
    await second.put(CHAT, USER, "form", {"step": "place"}, HOUR)  # replaces, one row
    assert await store.get(CHAT, USER, "form") == {"step": "place"}
    await store.put(CHAT, None, "last_query", {"q": 1}, HOUR)
    assert await store.get(CHAT, None, "last_query") == {"q": 1}
    assert await _rows(store) == 2
    with pytest.raises(ValueError, match="state key"):
        await store.put(CHAT, USER, "k" * 65, {}, HOUR)


async def test_expiry_purge_and_replacing_renews(store: ChatStateStore, clock: FixedClock) -> None:
    await store.put(CHAT, USER, "form", {"a": 1}, HOUR)
    await store.put(CHAT, None, "more:0000aaaa", {"b": 2}, timedelta(days=1))
    clock.advance(HOUR - timedelta(seconds=1))
    assert await store.get(CHAT, USER, "form") == {"a": 1}
    await store.put(CHAT, USER, "form", {"a": 2}, HOUR)  # an answer renews the hour
    clock.advance(HOUR)
    entry = await store.entry(CHAT, USER, "form")
    assert entry is not None and entry.expired and entry.value == {"a": 2}
    assert entry.expires_at == NOW + 2 * HOUR - timedelta(seconds=1)
    assert await store.get(CHAT, USER, "form") is None  # expired: invisible before the purge
    assert await store.take(CHAT, USER, "form") is None  # …and cannot be taken
    await store.put(CHAT, USER, "stale", {"c": 3}, timedelta(seconds=1))
    clock.advance(timedelta(seconds=1))
    assert await store.purge() == 1  # the stale row; the taken one is gone already
    assert await store.get(CHAT, None, "more:0000aaaa") == {"b": 2}
    clock.advance(timedelta(days=1))
    assert await store.purge() == 1
    assert await _rows(store) == 0
    assert await store.purge() == 0


async def test_take_delete_and_forget(store: ChatStateStore, second: ChatStateStore) -> None:
    await store.put(CHAT, USER, "form", {"x": 1}, HOUR)
    assert await second.take(CHAT, USER, "form") == {"x": 1}
    assert await store.take(CHAT, USER, "form") is None  # taken once only
    await store.put(CHAT, USER, "form", {"x": 1}, HOUR)
    assert await store.delete(CHAT, USER, "form") is True
    assert await store.delete(CHAT, USER, "form") is False

    await store.put(CHAT, None, "last_query", {}, HOUR)  # the group, chat-wide
    await store.put(CHAT, USER, "form", {}, HOUR)  # a form of USER in the group
    await store.put(USER, USER, "form", {}, HOUR)  # USER's private chat
    await store.put(USER, None, "last_query", {}, HOUR)
    await store.put(OTHER_USER, None, "last_query", {}, HOUR)  # somebody else
    await store.put(CHAT, OTHER_USER, "form", {}, HOUR)  # somebody else, in the group
    # Forgetting a user (private chat): that chat and the user's state in any chat.
    assert await store.forget(USER, USER) == 3
    assert await store.get(CHAT, None, "last_query") == {}
    assert await store.get(CHAT, USER, "form") is None
    # Forgetting a group: everything in it, nothing elsewhere.
    assert await store.forget(CHAT) == 2
    assert await store.get(OTHER_USER, None, "last_query") == {}
    assert await _rows(store) == 1


async def test_tokens_keep_the_newest(store: ChatStateStore, clock: FixedClock) -> None:
    tokens = []
    for n in range(5):
        tokens.append(await store.add_token(CHAT, None, "more", {"n": n}, HOUR, keep=3))
        clock.advance(timedelta(seconds=1))
    await store.put(CHAT, None, "morebid", {"other": True}, HOUR)  # not "more:…": untouched
    await store.add_token(OTHER_CHAT, None, "more", {"n": 9}, HOUR, keep=3)
    assert len(set(tokens)) == 5 and all(len(t) == 8 for t in tokens)
    kept = [await store.get(CHAT, None, f"more:{t}") for t in tokens]
    assert kept == [None, None, {"n": 2}, {"n": 3}, {"n": 4}]
    assert await store.get(CHAT, None, "morebid") == {"other": True}
    assert await _rows(store) == 5


async def test_concurrent_upserts_of_one_key(
    store: ChatStateStore, second: ChatStateStore, clock: FixedClock
) -> None:
    """Two instances writing the same key at once: no error, one row, one of the values."""
    writes = [
        (store if n % 2 else second).put(CHAT, USER, "form", {"n": n}, HOUR) for n in range(30)
    ]
    await asyncio.gather(*writes)
    assert await _rows(store) == 1
    got = await store.get(CHAT, USER, "form")
    assert got is not None and got["n"] in range(30)
    # Two instances taking the same entry: exactly one gets it.
    taken = await asyncio.gather(*(s.take(CHAT, USER, "form") for s in (store, second) * 5))
    assert [t for t in taken if t is not None] == [got]

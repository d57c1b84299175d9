"""What the update inbox stores and refuses, on SQLite and PostgreSQL: an update as the Bot API
sent it (a pinned inaccessible message's date 0 included) reads back as the same update; a body
the database cannot take is refused with ValueError (this update's problem), while an inbox that
cannot be reached raises something else (an outage)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import InaccessibleMessage, Update

from bot.domain.clock import FixedClock
from bot.store.inbox import UpdateInbox
from bot.store.session import create_sessionmaker
from bot.telegram.intake.inbox import update_body

NOW = datetime(2021, 7, 10, 4, 30, tzinfo=UTC)
CHAT = {"id": 77, "type": "private", "first_name": "Ana"}
PINNED = {
    "update_id": 9001,
    "message": {
        "message_id": 12,
        "date": 1625891400,
        "chat": CHAT,
        "from": {"id": 77, "is_bot": False, "first_name": "Ana"},
        "pinned_message": {"message_id": 3, "date": 0, "chat": CHAT},
    },
}


@pytest.fixture
def inbox(engines: list[AsyncEngine]) -> UpdateInbox:
    """One instance's inbox."""
    return UpdateInbox(create_sessionmaker(engines[0]), FixedClock(NOW), "host-a:1")


async def test_a_pinned_inaccessible_message_is_stored_and_read_back(inbox: UpdateInbox) -> None:
    update = Update.de_json(PINNED, None)
    assert update is not None
    assert await inbox.accept(update.update_id, update_body(update)) is True
    [stored] = await inbox.reclaim(mine=True)
    assert stored.body["message"]["pinned_message"]["date"] == 0
    again = Update.de_json(stored.body, None)
    assert again == update and again is not None and again.message is not None
    assert isinstance(again.message.pinned_message, InaccessibleMessage)
    assert update.message is not None and again.message.date == update.message.date


async def test_a_body_the_database_cannot_take_is_refused_with_value_error(
    inbox: UpdateInbox,
) -> None:
    with pytest.raises(ValueError, match="refused by the inbox"):
        await inbox.accept(9002, {"update_id": 9002, "odd": {1, 2}})
    assert await inbox.pending() == 0
    assert await inbox.accept(9003, {"update_id": 9003}) is True  # the next one goes in


async def test_an_inbox_that_cannot_be_reached_is_not_a_value_error(
    inbox: UpdateInbox, engines: list[AsyncEngine]
) -> None:
    async with engines[1].begin() as conn:
        await conn.execute(text("ALTER TABLE update_inbox RENAME TO update_inbox_away"))
    try:
        with pytest.raises(Exception) as raised:
            await inbox.accept(9004, {"update_id": 9004})
        assert not isinstance(raised.value, ValueError)
    finally:
        async with engines[1].begin() as conn:
            await conn.execute(text("ALTER TABLE update_inbox_away RENAME TO update_inbox"))


class _BackAtOnce(UpdateInbox):
    """An inbox whose table is back by the time anything probes it (an outage just ending)."""

    def __init__(self, inner: UpdateInbox, engine: AsyncEngine) -> None:
        super().__init__(inner._sessions, inner._clock, inner.instance)
        self._engine = engine

    async def _insert(self, update_id: int, body: dict[str, object]) -> bool:
        async with self._engine.begin() as conn:
            await conn.execute(text("ALTER TABLE update_inbox RENAME TO update_inbox_away"))
        try:
            return await super()._insert(update_id, body)
        finally:
            async with self._engine.begin() as conn:
                await conn.execute(text("ALTER TABLE update_inbox_away RENAME TO update_inbox"))


async def test_an_outage_that_ends_before_the_probe_is_still_an_outage(
    inbox: UpdateInbox, engines: list[AsyncEngine]
) -> None:
    racing = _BackAtOnce(inbox, engines[1])
    with pytest.raises(Exception) as raised:
        await racing.accept(9005, {"update_id": 9005})
    assert not isinstance(raised.value, ValueError)  # kept with Telegram, asked for again
    assert await inbox.pending() == 0

"""Conversation state lives in the database: a conversation started on one Sitrep instance goes on
on another (several instances behind a load balancer) or after a restart.

Two real Applications run over one database (SQLite file, or PostgreSQL when configured) and one
in-process Bot API, as two instances share one PostgreSQL and one Telegram.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import Update

from bot.domain.clock import FixedClock
from bot.sim.api import LocalBotApi, LocalRequest, UpdateFactory
from bot.store.models.events import EventRow
from bot.store.models.newsroom import AuditRow
from bot.store.models.state import ChatStateRow
from bot.telegram.app import build_application, lifespan
from tests.support.harness import ADMIN_ID, DEFAULT_NOW, GROUP_ID, USER_ID, Harness
from tests.support.harness import test_settings as settings_for
from tests.support.question_events import NOW, store_events

pytestmark = pytest.mark.slow

SEED = (Path(__file__).parent.parent / "fixtures" / "afghanistan-border-2021-07.txt").read_text()


class World:
    """One database, one Bot API, one clock: what every instance of a deployment shares."""

    def __init__(self, db_url: str, clock: FixedClock) -> None:
        self.db_url = db_url
        self.clock = clock
        self.api = LocalBotApi(
            wall_clock=lambda: clock.now().timestamp(),
            global_rate=None,
            per_chat_interval=None,
            group_per_minute=None,
        )
        self.factory = UpdateFactory(
            api=self.api,
            bot_username=self.api.bot_username,
            bot_id=self.api.bot_id,
            clock=lambda: clock.now().timestamp(),
        )

    @asynccontextmanager
    async def instance(self) -> AsyncIterator[Harness]:
        """Start one more Sitrep instance (its own Application, engine and process memory)."""
        app = build_application(
            settings_for(self.db_url), clock=self.clock, request=LocalRequest(self.api)
        )
        async with lifespan(app):
            yield Harness(app, self.api, self.factory, self.clock)
        assert self.api.unexpected == [], f"unexpected Bot API calls: {self.api.unexpected}"


@pytest.fixture
def world(db_url: str) -> World:
    """A deployment at the harness's default time, on SQLite and PostgreSQL."""
    return World(db_url, FixedClock(DEFAULT_NOW))


@pytest.fixture
async def pair(world: World) -> AsyncIterator[tuple[Harness, Harness]]:
    """Two instances running at once over the same database."""
    async with world.instance() as first, world.instance() as second:
        assert first.app is not second.app
        yield first, second


async def _count(bot: Harness, column: Any, *where: Any) -> int:
    async with bot.services.sessions() as session:
        return int(await session.scalar(select(func.count(column)).where(*where)) or 0)


async def _audit_actions(bot: Harness) -> list[str]:
    async with bot.services.sessions() as session:
        rows = await session.scalars(select(AuditRow.action).order_by(AuditRow.id))
        return list(rows.all())


def _advance(bot: Harness, delta: timedelta) -> None:
    """Move the clock every instance reads."""
    assert isinstance(bot.clock, FixedClock)
    bot.clock.advance(delta)


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def _more(message: dict[str, Any]) -> str:
    return next(data for text, data in _buttons(message) if text == "More")


# --------------------------------------------------------------------------- /addevent


async def test_guided_addevent_goes_on_on_another_instance(pair: tuple[Harness, Harness]) -> None:
    a, b = pair
    await a.send("/addevent", user_id=ADMIN_ID)
    assert "<b>When</b>" in a.api.calls_to("sendMessage")[-1].params["text"]
    [again] = await b.send("not a date", user_id=ADMIN_ID)
    assert "could not read the date" in again["text"] and "Try again, or /cancel." in again["text"]
    [where] = await b.send("2021-07-08", user_id=ADMIN_ID)
    assert where["text"] == "8 Jul 2021. Where? (a place name)"
    [what] = await a.send("Islam Qala", user_id=ADMIN_ID)
    assert what["text"] == "Islam Qala. What happened? (1–3 sentences)"
    [source] = await b.send("Taliban seized the Islam Qala crossing.", user_id=ADMIN_ID)
    assert source["text"].startswith("Source?")
    [done] = await a.send("AP https://apnews.com/article/x", user_id=ADMIN_ID)
    assert "Stored event" in done["text"]
    event = await b.services.events.get(1)
    assert event is not None and event.summary == "Taliban seized the Islam Qala crossing."
    assert event.place_key == b.services.gazetteer.resolve("Islam Qala").key
    assert str(event.when.first_day()) == "2021-07-08"
    assert event.sources[0].url == "https://apnews.com/article/x"
    # Every step is audited, the final creation included.
    assert await _audit_actions(a) == [
        "addevent",
        "addevent:date",
        "addevent:date",
        "addevent:place",
        "addevent:summary",
        "addevent:source",
    ]
    # The form is over on both: the same answer again is a question, not a second event.
    [question] = await b.send("AP https://apnews.com/article/x", user_id=ADMIN_ID)
    assert "Stored event" not in question["text"]
    assert await _count(a, EventRow.id) == 1
    assert await _count(a, ChatStateRow.key, ChatStateRow.key == "form") == 0


async def test_cancel_on_another_instance(pair: tuple[Harness, Harness]) -> None:
    a, b = pair
    await a.send("/addevent", user_id=ADMIN_ID)
    await a.send("2021-07-08", user_id=ADMIN_ID)
    [cancelled] = await b.send("/cancel", user_id=ADMIN_ID)
    assert cancelled["text"] == "Cancelled; nothing was stored."
    [reply] = await a.send("Islam Qala", user_id=ADMIN_ID)  # now a plain question
    assert "What happened?" not in reply["text"]
    assert await b.send("/cancel", user_id=ADMIN_ID) == []  # nothing open: silent, as before
    assert await _count(a, EventRow.id) == 0


async def test_forms_are_per_user_and_chat(pair: tuple[Harness, Harness]) -> None:
    a, b = pair
    a.api.add_chat(GROUP_ID, "supergroup", title="Desk")
    await a.send("/addevent", user_id=ADMIN_ID, chat_id=GROUP_ID)
    # Someone else in the group is not answering the admin's form.
    assert await b.send("2021-07-08", user_id=USER_ID, chat_id=GROUP_ID) == []
    # The admin's private chat has no form either.
    [private] = await b.send("2021-07-08", user_id=ADMIN_ID)
    assert "Where?" not in private["text"]
    [where] = await b.send("2021-07-08", user_id=ADMIN_ID, chat_id=GROUP_ID)
    assert "Where?" in where["text"]


async def test_duplicate_final_answer_on_two_instances_stores_one_event(
    pair: tuple[Harness, Harness],
) -> None:
    """A webhook delivered twice, to two instances at once: the form is finished exactly once."""
    a, b = pair
    for text in ("/addevent", "2021-07-08", "Islam Qala", "Taliban seized the crossing."):
        await a.send(text, user_id=ADMIN_ID)
    update = a.factory.message("AP", user_id=ADMIN_ID)
    await asyncio.gather(
        a.app.process_update(Update.de_json(update, a.app.bot)),
        b.app.process_update(Update.de_json(update, b.app.bot)),
    )
    assert await _count(a, EventRow.id) == 1
    assert sum("Stored event" in m["text"] for m in a.api.sent(ADMIN_ID)) == 1


async def test_form_expires_after_an_hour(pair: tuple[Harness, Harness]) -> None:
    a, b = pair
    await a.send("/addevent", user_id=ADMIN_ID)
    _advance(a, timedelta(minutes=59))
    [where] = await b.send("2021-07-08", user_id=ADMIN_ID)  # an answer renews the hour
    assert "Where?" in where["text"]
    _advance(a, timedelta(minutes=61))
    [expired] = await a.send("Islam Qala", user_id=ADMIN_ID)
    assert expired["text"] == (
        "Your /addevent form expired (an hour without an answer); nothing was stored. "
        "Send /addevent to start again."
    )
    [question] = await b.send("Islam Qala", user_id=ADMIN_ID)  # the next text is a question
    assert "Islam Qala" in question["text"] and "What happened?" not in question["text"]


async def test_admin_removed_mid_form_cannot_finish_it(pair: tuple[Harness, Harness]) -> None:
    a, b = pair
    editor = 4242
    await a.send(f"/admins add {editor}", user_id=ADMIN_ID)
    await a.send("/addevent", user_id=editor)
    await b.send(f"/admins remove {editor}", user_id=ADMIN_ID)
    [refused] = await b.send("2021-07-08", user_id=editor)
    assert refused["text"] == "Sorry, that command is for Sitrep admins only."
    assert await _count(a, ChatStateRow.key, ChatStateRow.key == "form") == 0


# --------------------------------------------------------------------------- restarts


async def test_guided_addevent_and_ingest_survive_a_restart(world: World) -> None:
    async with world.instance() as before:
        await before.send("/addevent", user_id=ADMIN_ID)
        await before.send("8 July 2021", user_id=ADMIN_ID)
        await before.send("/ingest 2021-07-09 AP", user_id=ADMIN_ID, chat_id=GROUP_ID)
    async with world.instance() as after:
        [what] = await after.send("Islam Qala", user_id=ADMIN_ID)
        assert "What happened?" in what["text"]
        await after.send("Taliban seized the Islam Qala crossing.", user_id=ADMIN_ID)
    async with world.instance() as again:
        [done] = await again.send("AP", user_id=ADMIN_ID)
        assert "Stored event <b>#1</b>" in again.api.calls_to("sendMessage")[-1].params["text"]
        assert "8 Jul 2021" in done["text"]
        [review] = await again.send(SEED, user_id=ADMIN_ID, chat_id=GROUP_ID)
        assert "Ingested" in review["text"] and "AP" in review["text"]
        assert "9 Jul 2021" in review["text"]
        assert await _count(again, EventRow.id) > 1
        assert "ingest:article" in await _audit_actions(again)


# --------------------------------------------------------------------------- questions


@pytest.fixture
async def qpair(db_url: str) -> AsyncIterator[tuple[Harness, Harness]]:
    """Two instances at the question fixtures' time, with the fixture events stored."""
    world = World(db_url, FixedClock(NOW))
    async with world.instance() as first, world.instance() as second:
        await store_events(first.services.events)
        yield first, second


async def test_more_pages_on_another_instance_then_expires(
    qpair: tuple[Harness, Harness],
) -> None:
    a, b = qpair
    [first] = await a.send("news from Herat")
    data = _more(first)
    [second] = await b.press(first, data)
    assert "Feb 2019" in second["text"] and "Feb 2019" not in first["text"]
    assert await a.press(first, data) == []  # the same More again, elsewhere: gone
    assert a.answers()[-1] == "That list has expired. Please ask again."
    # A More page lives for a day.
    [later] = await a.send("news from Herat")
    _advance(a, timedelta(days=1, seconds=1))
    assert await b.press(later, _more(later)) == []
    assert "expired" in b.answers()[-1]


async def test_follow_up_on_another_instance(qpair: tuple[Harness, Harness]) -> None:
    a, b = qpair
    first, follow = "what did the Taliban do yesterday?", "and Kunduz?"
    await a.send(first, user_id=USER_ID)
    [across] = await b.send(follow, user_id=USER_ID)  # asked first on a, followed up on b
    await a.send(first, user_id=USER_ID + 1)
    [same] = await a.send(follow, user_id=USER_ID + 1)  # both on one instance
    [fresh] = await b.send(follow, user_id=USER_ID + 2)  # no earlier question
    assert across["text"] == same["text"]
    assert across["text"] != fresh["text"]


async def test_follow_up_and_more_survive_a_restart(db_url: str) -> None:
    world = World(db_url, FixedClock(NOW))
    first, follow = "what did the Taliban do yesterday?", "and Kunduz?"
    async with world.instance() as before:
        await store_events(before.services.events)
        [herat] = await before.send("news from Herat")
        await before.send(first)
    async with world.instance() as after:
        [second] = await after.press(herat, _more(herat))
        assert "Feb 2019" in second["text"]
        [restarted] = await after.send(follow)
        await after.send(first, user_id=USER_ID + 1)
        [same] = await after.send(follow, user_id=USER_ID + 1)
        [fresh] = await after.send(follow, user_id=USER_ID + 2)
        assert restarted["text"] == same["text"] != fresh["text"]


# --------------------------------------------------------------------------- /forget


async def test_forget_confirmed_on_another_instance_deletes_the_state(
    qpair: tuple[Harness, Harness],
) -> None:
    a, b = qpair
    [answer] = await a.send("news from Herat")
    assert _more(answer)
    await a.send(f"/allow {USER_ID}", user_id=ADMIN_ID)
    stored = ChatStateRow.chat_id == USER_ID
    assert await _count(a, ChatStateRow.key, stored) == 2  # the last question, a More page
    [prompt] = await a.send("/forget")
    assert "unfinished conversations" in prompt["text"]
    [done] = await b.press(prompt, "fg:yes")
    assert "unfinished conversations" in done["text"]
    assert await _count(a, ChatStateRow.key, stored) == 0
    assert await a.press(answer, _more(answer)) == []  # the More page is gone too
    assert await b.press(prompt, "fg:yes") == []  # replayed on either instance: refused
    assert a.answers()[-2:] == [
        "That list has expired. Please ask again.",
        "That button is not valid any more.",
    ]

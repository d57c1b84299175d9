"""Admin event commands through the real app: add, show, edit, retract, list; refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.store.models.events import EventRow, SourceRow
from tests.support.harness import ADMIN_ID, GROUP_ID, USER_ID, Harness

pytestmark = pytest.mark.slow

LINE = "/addevent 2021-07-08 | Islam Qala | Taliban seized the Islam Qala crossing | AP"


async def _counts(bot: Harness) -> tuple[int, int]:
    async with bot.services.sessions() as s:
        events = await s.scalar(select(func.count(EventRow.id)))
        sources = await s.scalar(select(func.count(SourceRow.id)))
    return int(events or 0), int(sources or 0)


async def test_addevent_one_line_stores_a_placed_sourced_event(bot: Harness) -> None:
    [reply] = await bot.send(LINE, user_id=ADMIN_ID)
    assert "Stored event <b>#1</b>" in bot.api.calls_to("sendMessage")[-1].params["text"]
    assert "8 Jul 2021" in reply["text"] and "Islam Qala" in reply["text"] and "AP" in reply["text"]
    event = await bot.services.events.get(1)
    assert event is not None
    assert event.place_key == bot.services.gazetteer.resolve("Islam Qala").key
    assert event.sources[0].outlet == "AP" and event.created_at == bot.clock.now()


async def test_same_event_from_second_outlet_merges_as_source(bot: Harness) -> None:
    await bot.send(LINE, user_id=ADMIN_ID)
    await bot.send(
        "/addevent 8 July 2021 | Eslam Qaleh | Taliban fighters seized the Islam Qala crossing "
        "on the Iran border | Reuters | https://example.org/r",
        user_id=ADMIN_ID,
    )
    assert await _counts(bot) == (1, 2)
    event = await bot.services.events.get(1)
    assert [s.outlet for s in event.sources] == ["AP", "Reuters"]


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        ("/addevent 2021-07-08 | Islam Qala | too few parts", "Use: /addevent"),
        ("/addevent someday | Islam Qala | Taliban seized it | AP", "could not read the date"),
        ("/addevent 2031-07-08 | Islam Qala | Taliban seized it | AP", "in the future"),
        ("/addevent 2021-02-30 | Islam Qala | Taliban seized it | AP", "could not read the date"),
        ("/addevent 2021-07-08 | Islam Qala | x | AP", "too short"),
        ("/addevent 2021-07-08 | Islam Qala | Taliban seized it | AP | ftp://x", "http"),
        ("/addevent 2021-07-08 | Islam Qala | " + "word " * 300 + "| AP", "at most"),
    ],
)
async def test_addevent_bad_input_is_refused_and_changes_nothing(
    bot: Harness, line: str, expect: str
) -> None:
    [reply] = await bot.send(line, user_id=ADMIN_ID)
    assert expect in reply["text"]
    assert await _counts(bot) == (0, 0)


async def test_unknown_place_is_kept_as_written_and_flagged(bot: Harness) -> None:
    [reply] = await bot.send(
        "/addevent 2021-07-08 | Qala-i-Nowhere | Fighting reported near the village | AP",
        user_id=ADMIN_ID,
    )
    assert "kept as written" in reply["text"]
    event = await bot.services.events.get(1)
    assert event.place_key is None and event.place_text == "Qala-i-Nowhere"


async def test_guided_addevent(bot: Harness) -> None:
    await bot.send("/addevent", user_id=ADMIN_ID)
    [again] = await bot.send("not a date", user_id=ADMIN_ID)
    assert "could not read the date" in again["text"]
    await bot.send("2021-07-08", user_id=ADMIN_ID)
    await bot.send("Islam Qala", user_id=ADMIN_ID)
    await bot.send("Taliban seized the Islam Qala crossing.", user_id=ADMIN_ID)
    [done] = await bot.send("AP https://apnews.com/article/x", user_id=ADMIN_ID)
    assert "Stored event" in done["text"]
    event = await bot.services.events.get(1)
    assert event.sources[0].url == "https://apnews.com/article/x"


async def test_guided_addevent_cancel_stores_nothing(bot: Harness) -> None:
    await bot.send("/addevent", user_id=ADMIN_ID)
    await bot.send("2021-07-08", user_id=ADMIN_ID)
    [reply] = await bot.send("/cancel", user_id=ADMIN_ID)
    assert "nothing was stored" in reply["text"]
    assert await _counts(bot) == (0, 0)


async def test_show_edit_retract_and_list(bot: Harness) -> None:
    await bot.send(LINE, user_id=ADMIN_ID)
    [card] = await bot.send("/event 1", user_id=ADMIN_ID)
    assert "Event #1" in card["text"] and "Herat" in card["text"]
    [edited] = await bot.send("/editevent 1 severity flash", user_id=ADMIN_ID)
    assert "flash" in edited["text"]
    await bot.send("/editevent 1 source Reuters https://example.org/x", user_id=ADMIN_ID)
    [bad] = await bot.send("/editevent 1 severity apocalyptic", user_id=ADMIN_ID)
    assert "routine, notable or flash" in bad["text"]
    [listing] = await bot.send("/events Herat", user_id=ADMIN_ID)
    assert "#1" in listing["text"]
    [refused] = await bot.send("/retract 1", user_id=ADMIN_ID)
    assert "Use: /retract" in refused["text"]
    await bot.send("/retract 1 duplicate report", user_id=ADMIN_ID)
    event = await bot.services.events.get(1)
    assert event.status == "retracted" and event.retract_reason == "duplicate report"
    assert event.severity == "flash" and len(event.sources) == 2
    [empty] = await bot.send("/events Herat", user_id=ADMIN_ID)
    assert "#1" not in empty["text"]


@pytest.mark.parametrize(
    "command",
    [LINE, "/addevent", "/event 1", "/editevent 1 severity flash", "/retract 1 wrong", "/events"],
)
@pytest.mark.parametrize("chat", ["private", "group"])
async def test_non_admins_are_refused_and_nothing_changes(
    bot: Harness, command: str, chat: str
) -> None:
    await bot.send(LINE, user_id=ADMIN_ID)
    before = await _counts(bot)
    snapshot = await bot.services.events.get(1)
    chat_id = GROUP_ID if chat == "group" else None
    if chat == "group":
        command = (
            command.replace(" ", f"@{bot.api.bot_username} ", 1) if " " in command else command
        )
    replies = await bot.send(command, user_id=USER_ID, chat_id=chat_id)
    assert [r["text"] for r in replies] == ["Sorry, that command is for Sitrep admins only."]
    assert await _counts(bot) == before
    assert await bot.services.events.get(1) == snapshot

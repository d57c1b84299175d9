"""Questions through the real bot: private text, groups, /ask /latest /timeline /search, More."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.domain.clock import FixedClock
from tests.support.harness import GROUP_ID, USER_ID, Harness, running_bot
from tests.support.question_events import NOW, store_events

pytestmark = pytest.mark.slow


@pytest.fixture
async def qbot(sqlite_db_url: str) -> AsyncIterator[Harness]:
    """The real bot at NOW (Thursday 15 July 2021, Kabul) with the fixture events stored."""
    async with running_bot(sqlite_db_url, clock=FixedClock(NOW)) as harness:
        await store_events(harness.services.events)
        yield harness


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def _more(message: dict[str, Any]) -> str:
    return next(data for text, data in _buttons(message) if text == "More")


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        (
            "what happened at Islam Qala?",
            ["<b>Islam Qala</b>", "8 Jul 2021", "Feb 2021", '<a href="https://apnews.com/'],
            ["Iranian border guards"],
        ),
        ("news from Herat", ["(unreviewed)", "Islam Qala"], ["Guzara"]),
        ("what did the Taliban do yesterday?", ["Taliban claim; ministry denies"], ["Kunduz"]),
        ("and Kunduz?", ["Kunduz"], ["Spin Boldak"]),
        ("Islam Qala in June", ["Sitrep holds no events for Islam Qala", "records"], ["<b>8 Jul"]),
        ("news from Zorgabad", ["I don't know a place called “Zorgabad”", "Did you mean"], []),
    ],
)
async def test_private_text_is_a_question(
    qbot: Harness, text: str, present: list[str], absent: list[str]
) -> None:
    if text.startswith("and "):
        await qbot.send("news from Herat")  # the follow-up needs a previous question
    [reply] = await qbot.send(text)
    for phrase in present:
        assert phrase in reply["text"] or phrase in _html(qbot)
    for phrase in absent:
        assert phrase not in _html(qbot)


def _html(bot: Harness) -> str:
    return str(bot.api.calls_to("sendMessage")[-1].params["text"])


async def test_groups_answer_only_when_addressed(qbot: Harness) -> None:
    assert await qbot.send("what happened at Islam Qala?", chat_id=GROUP_ID) == []
    [answer] = await qbot.send(
        f"@{qbot.api.bot_username} what happened at Islam Qala?", chat_id=GROUP_ID
    )
    assert "Islam Qala" in answer["text"] and "8 Jul 2021" in answer["text"]
    [follow] = await qbot.send("and Spin Boldak?", chat_id=GROUP_ID, reply_to=answer)
    assert "Spin Boldak" in follow["text"]
    [asked] = await qbot.send("/ask what did the Taliban do yesterday?", chat_id=GROUP_ID)
    assert "Spin Boldak" in asked["text"]


@pytest.mark.parametrize(
    ("command", "present", "absent"),
    [
        ("/ask Herat city", ["Clashes broke out"], ["Islam Qala border crossing"]),
        ("/ask", ["Ask me about a place"], []),
        ("/latest 2", ["Latest 2 events", "Kunduz"], ["Islam Qala"]),
        ("/latest", ["Latest 5 events"], []),
        ("/latest lots", ["Use: /latest"], []),
        ("/timeline Islam Qala", ["Timeline", "Feb 2019"], []),
        ("/timeline", ["Use: /timeline"], []),
        ("/timeline Zorgastan", ["I don't know a place called “Zorgastan”"], []),
        ("/search consulate", ["Search", "consulates in Mazar-e-Sharif"], []),
        ("/search", ["Use: /search"], []),
    ],
)
async def test_commands(qbot: Harness, command: str, present: list[str], absent: list[str]) -> None:
    [reply] = await qbot.send(command)
    for phrase in present:
        assert phrase in reply["text"]
    for phrase in absent:
        assert phrase not in reply["text"]


async def test_timeline_is_oldest_first(qbot: Harness) -> None:
    [reply] = await qbot.send("/timeline Islam Qala")
    assert reply["text"].index("Feb 2019") < reply["text"].index("Feb 2021")


async def test_more_pages_on_then_expires(qbot: Harness) -> None:
    [first] = await qbot.send("news from Herat")
    assert first["text"].count("Jul 2021") + first["text"].count("Feb 2021") == 5
    data = _more(first)
    [second] = await qbot.press(first, data)
    assert "Feb 2019" in second["text"] and "Feb 2019" not in first["text"]
    assert [b for b in _buttons(second) if b[1].startswith("more:")] == []  # last page
    assert await qbot.press(first, data) == []  # the same More again: expired
    assert "expired" in qbot.answers()[-1]


@pytest.mark.parametrize("data", ["more:deadbeef", "more:../../x", "more:", "more:" + "f" * 64])
async def test_tampered_more_is_refused(qbot: Harness, data: str) -> None:
    [first] = await qbot.send("news from Herat")
    assert await qbot.press(first, data, check=False) == []
    assert "expired" in qbot.answers()[-1]


async def test_subscribe_button_only_when_subscriptions_are_on(qbot: Harness) -> None:
    assert qbot.app.bot_data.subscriptions_enabled is True  # the app turns them on
    qbot.app.bot_data.subscriptions_enabled = False
    [off] = await qbot.send("Spin Boldak")
    assert not any(d.startswith("sub:") for _t, d in _buttons(off))
    qbot.app.bot_data.subscriptions_enabled = True
    [on] = await qbot.send("Spin Boldak")
    assert ("Subscribe to Spin Boldak", "sub:spin-boldak") in _buttons(on)
    [unknown] = await qbot.send("news from Zorgabad")
    assert _buttons(unknown) == []


@pytest.mark.parametrize(
    "text",
    [
        "🔥🔥🔥",
        "x" * 4000,
        'Islam Qala AND NEAR(fire, "tanker") OR * -Taliban (seized',
        "'; DROP TABLE events; --",
        "هرات کې څه وشول؟",
    ],
)
async def test_bad_input_gets_an_answer(qbot: Harness, text: str) -> None:
    [reply] = await qbot.send(text)
    assert reply["text"].strip()
    assert await qbot.services.events.count() > 0


async def test_more_than_20_questions_a_minute_are_slowed_politely(qbot: Harness) -> None:
    for _ in range(20):
        [reply] = await qbot.send("Kabul")
        assert "Kabul" in reply["text"]
    [slow] = await qbot.send("Kabul")
    assert "more than 20 questions a minute" in slow["text"]
    [other] = await qbot.send("Kabul", user_id=USER_ID + 1)  # others are not slowed
    assert "Kabul" in other["text"]

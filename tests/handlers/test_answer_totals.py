"""Totals, numbers and follow-ups in chat, through the real app and the table's events."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.domain.clock import FixedClock
from tests.support.harness import Harness, running_bot
from tests.support.table_events import NOW, store_table

pytestmark = pytest.mark.slow


@pytest.fixture
async def tbot(sqlite_db_url: str) -> AsyncIterator[Harness]:
    """The real bot at NOW (Wednesday 1 September 2021, Kabul) with the table's events."""
    async with running_bot(sqlite_db_url, clock=FixedClock(NOW)) as harness:
        await store_table(harness.services.events, harness.services.sessions)
        yield harness


def _more(message: dict[str, Any]) -> str:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return next(b["callback_data"] for row in rows for b in row if b["text"] == "More")


async def test_a_page_says_how_many_there_are_and_more_goes_on(tbot: Harness) -> None:
    [first] = await tbot.send("Kabul in August")
    assert "1–5 of 7 events, newest first" in first["text"]
    [second] = await tbot.press(first, _more(first))
    assert "6–7 of 7 events, newest first" in second["text"]
    [small] = await tbot.send("airstrikes in Helmand")
    assert "All 4 events, newest first" in small["text"]


async def test_numbers_with_their_events_and_a_caveat(tbot: Harness) -> None:
    [killed] = await tbot.send("how many people were killed in Helmand in July?")
    assert "53 reported fatalities in 4 events" in killed["text"]
    assert "sources may differ" in killed["text"]
    [follow] = await tbot.send("and in August?")
    assert "9 reported fatalities in 4 events" in follow["text"]
    [count] = await tbot.send("how many airstrikes in Balkh in August?")
    assert re.search(r"\b2 events \(airstrikes\)", count["text"])
    [ranked] = await tbot.send("which province had the most airstrikes?")
    assert "1. Helmand — 4 events" in ranked["text"] and "2. Balkh — 3 events" in ranked["text"]


BAD = (
    "Kabul " * 2000,
    "?!?! ... ;;;",
    "the of and a to",
    'Taliban AND "Kabul" NEAR(x) OR *',
    "Кабул airstrikes طالبان",
    "how many",
    "which province",
)


async def test_bad_questions_get_a_polite_answer(tbot: Harness) -> None:
    for question in BAD:
        replies = await tbot.send(question[:4096])
        assert replies and all(len(r["text"]) <= 4096 for r in replies), question[:40]
        assert not any("went wrong" in r["text"] for r in replies), question[:40]

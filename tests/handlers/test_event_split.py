"""Merged events through the real app: shown once with all their sources, split by /event N split
(audited), refused to non-admins."""

from __future__ import annotations

from datetime import date

from bot.domain.events.model import EventDraft, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from tests.support.harness import ADMIN_ID, USER_ID, Harness

DAY = FuzzyDate.day(date(2021, 7, 8))


async def _two_accounts(bot: Harness) -> tuple[int, int]:
    """An ACLED-style row and an outlet's account of the same happening, the second merged."""
    first, second = await bot.services.events.add_many(
        [
            EventDraft(
                "Insurgents took the border post and customs yard.",
                DAY,
                "islam-qala",
                "Islam Qala",
                actors=("Taliban",),
                event_type="Battles",
                sub_event_type="Non-state actor overtakes territory",
                actor1=("Taliban",),
                sources=(SourceInfo("ACLED"),),
                external_key="acled:T1",
            ),
            EventDraft(
                "Crossing falls: traders stranded as the post changes hands",
                DAY,
                "islam-qala",
                "Islam Qala",
                actors=("Taliban",),
                sources=(SourceInfo("Outlet A"), SourceInfo("Outlet B", "https://example.org/b")),
                external_key="feed:B2",
            ),
        ]
    )
    merged = await bot.services.merges.merge(first.event.id, [second.event.id])
    assert merged == [second.event.id]
    return first.event.id, second.event.id


async def test_merged_event_is_shown_once_with_all_its_sources(bot: Harness) -> None:
    await _two_accounts(bot)
    [reply] = await bot.send("what happened at Islam Qala?", user_id=USER_ID)
    assert "Insurgents took the border post" in reply["text"]
    assert "(3 sources)" in reply["text"] and "1 event." in reply["text"]
    assert "traders stranded" not in reply["text"]


async def test_split_frees_the_merged_event_and_is_audited(bot: Harness) -> None:
    head, other = await _two_accounts(bot)
    [refused] = await bot.send(f"/event {head} split", user_id=USER_ID)
    assert "Split" not in refused["text"]
    [done] = await bot.send(f"/event {head} split", user_id=ADMIN_ID)
    assert f"#{other}" in done["text"] and "audit" in done["text"]
    [again] = await bot.send(f"/event {head} split", user_id=ADMIN_ID)
    assert "nothing to split" in again["text"]
    [reply] = await bot.send("what happened at Islam Qala?", user_id=USER_ID)
    assert "traders stranded" in reply["text"] and "(3 sources)" not in reply["text"]
    entries = await bot.services.audit.recent(10)
    assert any(e.action == "split_event" and str(other) in e.detail for e in entries)
    [usage] = await bot.send(f"/event {head} explode", user_id=ADMIN_ID)
    assert "/event N split" in usage["text"]

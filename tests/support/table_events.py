"""Events of the question table: ACLED- and UCDP-style rows written in our own words.

Types, sub-types and actor names follow the datasets' conventions ("Military Forces of
Afghanistan (2004-2021)", "Civilians (Afghanistan)", "Explosions/Remote violence" / "Air/drone
strike"); notes, places and numbers are invented for the tests. A few events are articles with
no type (only a summary and an actor list), one is UCDP-style, one has no fatality figure, and
one is merged into another (it must never be listed). The rows are data, in
tests/fixtures/question_table/events.json. Questions are asked at NOW: Wednesday 1 September
2021, 09:00 in Kabul.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.events.model import EventDraft, SourceInfo
from bot.domain.questions.timetypes import FuzzyDate
from bot.store.events import EventStore

KABUL = ZoneInfo("Asia/Kabul")
NOW = datetime(2021, 9, 1, 9, 0, tzinfo=KABUL)  # a Wednesday

ACLED = SourceInfo("ACLED")
ARTICLE = SourceInfo("Local outlet", "https://example.org/report")
TABLE = Path(__file__).resolve().parent.parent / "fixtures" / "question_table" / "events.json"


def _row_draft(label: str, row: dict[str, Any], source: SourceInfo) -> EventDraft:
    a1, a2 = row["actor1"], row["actor2"]
    return EventDraft(
        summary=row["notes"],
        when=FuzzyDate.day(date.fromisoformat(row["day"])),
        place_key=row["place"],
        place_text=row["place"],
        actors=tuple(a for a in (a1, a2) if a),
        event_type=row["type"],
        sub_event_type=row["sub_type"],
        fatalities=row["fatalities"],
        actor1=(a1,) if a1 else (),
        actor2=(a2,) if a2 else (),
        sources=(source,),
        external_key=f"table:{label}",
    )


def _drafts() -> tuple[dict[str, EventDraft], dict[str, str]]:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    out = {label: _row_draft(label, row, ACLED) for label, row in data["rows"].items()}
    merged = data["merged"]
    out[merged["label"]] = _row_draft(merged["label"], merged["row"], ARTICLE)
    # Articles with no type yet: only a summary and the actors named in it.
    for label, art in data["articles"].items():
        out[label] = EventDraft(
            summary=art["summary"],
            when=FuzzyDate.day(date.fromisoformat(art["day"])),
            place_key=art["place"],
            place_text=art["place"],
            actors=tuple(art["actors"]),
            fatalities=art["fatalities"],
            sources=(ARTICLE,),
        )
    return out, {merged["label"]: merged["into"]}


# Stored, then merged into another (MERGED: duplicate -> original): never listed or counted.
DRAFTS, MERGED = _drafts()
LISTED = frozenset(DRAFTS) - set(MERGED)  # every label an answer may show


async def store_table(
    store: EventStore, sessions: async_sessionmaker[AsyncSession]
) -> dict[int, str]:
    """Store every table event (merging the duplicate into its original); id -> label."""
    labels = list(DRAFTS)
    results = await store.add_many([DRAFTS[k] for k in labels])
    ids = {label: r.event.id for label, r in zip(labels, results, strict=True)}
    assert all(r.created for r in results), "table events must not merge on insert"
    async with sessions() as session:
        for dup, into in MERGED.items():
            await session.execute(
                text("UPDATE events SET merged_into = :into WHERE id = :id"),
                {"into": ids[into], "id": ids[dup]},
            )
        await session.commit()
    return {v: k for k, v in ids.items()}

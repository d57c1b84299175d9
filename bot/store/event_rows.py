"""Event rows from drafts and back: column values, sources, the first report, twin finding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.domain.events.model import EventDraft, EventStatus, EventView, SourceInfo
from bot.domain.events.records import ACTOR_SEP, actors_text, first_report, split_actors
from bot.domain.events.twins import SIMILAR_TEXT, Account, same_happening
from bot.domain.questions.timetypes import FuzzyDate, Precision
from bot.store.models.events import EventRow, SourceRow

MERGE_SIMILARITY = SIMILAR_TEXT  # kept for callers; the rule is bot.domain.events.twins


def _fuzzy(row: EventRow) -> FuzzyDate:
    return FuzzyDate(row.date_start, Precision(row.date_precision), row.date_end)


def _span(when: FuzzyDate) -> tuple[date, date]:
    return when.first_day(), when.last_day()


def source_from_row(row: SourceRow) -> SourceInfo:
    """A SourceInfo from its row."""
    return SourceInfo(
        outlet=row.outlet,
        url=row.url,
        title=row.title,
        published_at=row.published_at,
        published_on=row.published_on,
    )


def set_report(row: EventRow) -> None:
    """Set when the row's event was first reported, from its sources."""
    row.reported_at, row.reported_on = first_report(
        (source_from_row(s) for s in row.sources), row.created_at
    )


def draft_columns(draft: EventDraft) -> dict[str, Any]:
    """Column values a draft determines."""
    return {
        "summary": draft.summary.strip(),
        "date_start": draft.when.start,
        "date_end": draft.when.end,
        "date_last": draft.when.last_day(),
        "date_precision": draft.when.precision.value,
        "place_key": draft.place_key,
        "place_text": draft.place_text[:255],
        "location_precision": draft.location_precision.value,
        "actors_text": actors_text(draft.actors),
        "event_type": draft.event_type[:64],
        "sub_event_type": draft.sub_event_type[:96],
        "severity": draft.severity.value,
        "claim_status": draft.claim_status.value,
        "claim_note": draft.claim_note[:255],
        "fatalities": draft.fatalities,
        "actor1_text": actors_text(draft.actor1),
        "actor2_text": actors_text(draft.actor2),
        "injuries": draft.injuries,
        "excerpt": draft.excerpt,
        "external_key": draft.external_key,
        "origin": draft.origin.value,
    }


def apply_draft(row: EventRow, draft: EventDraft, now: datetime, by: int | None) -> bool:
    """Write a draft's columns on a row; True when any of them changed."""
    values = draft_columns(draft)
    changed = any(getattr(row, k, None) != v for k, v in values.items())
    for key, value in values.items():
        setattr(row, key, value)
    if row.status is None:
        row.status = draft.status.value
        row.reviewed = draft.reviewed
    if changed:
        row.updated_at = now
        row.updated_by = by
    return changed


def add_sources(row: EventRow, sources: Iterable[SourceInfo]) -> int:
    """Append the sources the row lacks (by outlet and URL); how many were added."""
    have = {(s.outlet, s.url) for s in row.sources}
    added = 0
    for src in sources:
        key = (src.outlet[:255], src.url)
        if key in have:
            continue
        have.add(key)
        row.sources.append(
            SourceRow(
                outlet=src.outlet[:255],
                url=src.url,
                title=src.title,
                published_at=src.published_at,
                published_on=src.published_on,
            )
        )
        added += 1
    return added


def row_values(d: EventDraft, now: datetime, by: int | None) -> dict[str, Any]:
    """Every column of a new event's row (bulk inserts)."""
    reported_at, reported_on = first_report(d.sources, now)
    return {
        **draft_columns(d),
        "status": d.status.value,
        "reviewed": d.reviewed,
        "retract_reason": None,
        "merged_into": None,
        "reported_at": reported_at,
        "reported_on": reported_on,
        "created_at": now,
        "updated_at": now,
        "created_by": by,
        "updated_by": by,
    }


def source_values(event_id: int, d: EventDraft) -> Iterator[dict[str, Any]]:
    """The source rows of a new event (each outlet and URL once)."""
    seen: set[tuple[str, str]] = set()
    for s in d.sources:
        k = (s.outlet[:255], s.url)
        if k in seen:
            continue
        seen.add(k)
        yield {
            "event_id": event_id,
            "outlet": k[0],
            "url": s.url,
            "title": s.title,
            "published_at": s.published_at,
            "published_on": s.published_on,
            "article_id": None,
        }


def draft_view(
    event_id: int, d: EventDraft, row: dict[str, Any], place_name: str | None
) -> EventView:
    """The view of an event just inserted from a draft and its row values."""
    return EventView(
        id=event_id,
        summary=row["summary"],
        when=d.when,
        place_key=d.place_key,
        place_text=row["place_text"],
        place_name=place_name or d.place_text,
        location_precision=d.location_precision,
        actors=tuple(a for a in row["actors_text"].split(ACTOR_SEP) if a),
        event_type=row["event_type"],
        sub_event_type=row["sub_event_type"],
        severity=d.severity,
        claim_status=d.claim_status,
        claim_note=row["claim_note"],
        fatalities=d.fatalities,
        status=d.status,
        retract_reason=None,
        origin=d.origin,
        reviewed=d.reviewed,
        external_key=d.external_key,
        reported_at=row["reported_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        sources=tuple(
            dict.fromkeys(
                SourceInfo(s.outlet[:255], s.url, s.title, s.published_at, s.published_on)
                for s in d.sources
            )
        ),
        actor1=split_actors(row["actor1_text"]),
        actor2=split_actors(row["actor2_text"]),
        injuries=d.injuries,
        excerpt=row["excerpt"],
    )


def draft_of(v: EventView) -> EventDraft:
    """The draft that would store an event as it is (edits replace some of its fields)."""
    return EventDraft(
        summary=v.summary,
        when=v.when,
        place_key=v.place_key,
        place_text=v.place_text,
        location_precision=v.location_precision,
        actors=v.actors,
        event_type=v.event_type,
        sub_event_type=v.sub_event_type,
        severity=v.severity,
        claim_status=v.claim_status,
        claim_note=v.claim_note,
        fatalities=v.fatalities,
        external_key=v.external_key,
        origin=v.origin,
        actor1=v.actor1,
        actor2=v.actor2,
        injuries=v.injuries,
        excerpt=v.excerpt,
    )


async def find_twin(session: AsyncSession, draft: EventDraft) -> EventRow | None:
    """A stored event on the same happening: same place, overlapping dates, and the same
    happening by bot.domain.events.twins (no coding disagrees; same text or same coding).
    Merged and retracted events are no twins; the most similar text wins among several."""
    first, last = _span(draft.when)
    stmt = (
        select(EventRow)
        .where(EventRow.status != EventStatus.RETRACTED.value)
        .where(EventRow.merged_into.is_(None))
        .where(EventRow.date_start <= last)
        .options(selectinload(EventRow.sources))
    )
    if draft.place_key is not None:
        stmt = stmt.where(EventRow.place_key == draft.place_key)
    else:
        stmt = stmt.where(EventRow.place_key.is_(None), EventRow.place_text == draft.place_text)
    rows = (await session.scalars(stmt.order_by(EventRow.id).limit(500))).all()
    mine = _account(
        draft.summary,
        draft.event_type,
        draft.sub_event_type,
        (*draft.actor1, *draft.actor2, *draft.actors),
    )
    best: tuple[float, EventRow] | None = None
    for row in rows:
        r_first, r_last = _span(_fuzzy(row))
        if r_last < first or r_first > last:
            continue
        theirs = _account(
            row.summary,
            row.event_type,
            row.sub_event_type,
            split_actors(
                f"{row.actor1_text}{ACTOR_SEP}{row.actor2_text}{ACTOR_SEP}{row.actors_text}"
            ),
        )
        if not same_happening(mine, theirs):
            continue
        score = fuzz.token_set_ratio(row.summary.lower(), draft.summary.lower())
        if best is None or score > best[0]:
            best = (score, row)
    return best[1] if best else None


def _account(summary: str, etype: str, sub: str, actors: Iterable[str]) -> Account:
    return Account(summary, etype or "", sub or "", tuple(a for a in actors if a))

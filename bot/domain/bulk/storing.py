"""Storing imported rows in batches: unchanged rows skipped, new rows inserted at once (by a
writer process when there is one), changed rows updated by key; failed batches row by row."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import replace

from bot.domain.bulk.placing import PlaceResolver
from bot.domain.bulk.ports import BatchWriter, BulkStore, StoreRefused, WriterFailed
from bot.domain.bulk.types import BadRow, ImportReport, ParsedRow
from bot.domain.events.model import EventDraft, EventStatus, EventView
from bot.domain.events.records import ACTOR_SEP

log = logging.getLogger(__name__)

Todo = list[tuple[ParsedRow, EventDraft]]


def _joined(actors: tuple[str, ...]) -> str:
    return ACTOR_SEP.join(a.strip() for a in actors if a.strip())


def same(draft: EventDraft, view: EventView) -> bool:
    """True when storing the draft would change nothing (the fields EventStore writes)."""
    have = {(s.outlet, s.url) for s in view.sources}
    return (
        draft.summary.strip() == view.summary
        and draft.when == view.when
        and draft.place_key == view.place_key
        and draft.place_text[:255] == view.place_text
        and draft.location_precision == view.location_precision
        and _joined(draft.actors) == ACTOR_SEP.join(view.actors)
        and _joined(draft.actor1) == ACTOR_SEP.join(view.actor1)
        and _joined(draft.actor2) == ACTOR_SEP.join(view.actor2)
        and draft.injuries == view.injuries
        and draft.excerpt == view.excerpt
        and draft.event_type[:64] == view.event_type
        and draft.sub_event_type[:96] == view.sub_event_type
        and draft.severity == view.severity
        and draft.claim_status == view.claim_status
        and draft.claim_note[:255] == view.claim_note
        and draft.fatalities == view.fatalities
        and draft.origin == view.origin
        and all((s.outlet[:255], s.url) in have for s in draft.sources)
    )


class NewRows:
    """Stores batches of new rows: through a writer when there is one (the importer parses the
    next batch while it stores this one), else here."""

    def __init__(self, store: BulkStore, report: ImportReport, writer: BatchWriter | None):
        self._store, self._report, self._writer = store, report, writer
        self._pending: tuple[Todo, Awaitable[list[int]]] | None = None

    async def submit(self, todo: Todo) -> None:
        """Store these rows (the writer answers later; `settle` collects the answer)."""
        # the batch is built while the writer still stores the previous one
        try:
            send = self._writer.prepare([d for _, d in todo]) if self._writer else None
        except WriterFailed:  # e.g. a draft without a key: this batch is stored here
            send = None
        await self.settle()
        if self._writer is not None and send is not None:
            try:
                task = send()
            except WriterFailed as exc:
                log.warning("import: the writer process failed (%s); storing here", exc)
                self._writer = None
            else:
                self._pending = (todo, task)
                return
        await store_new(self._store, todo, self._report)

    async def settle(self) -> None:
        """Wait for the batch the writer has in hand; a failed one is stored here, by key."""
        if self._pending is None:
            return
        todo, task = self._pending
        self._pending = None
        try:
            ids = await task
        except WriterFailed as exc:
            # e.g. another writer stored one of these keys since the lookup: the careful path
            log.warning("import: the writer could not store a batch (%s); storing by key", exc)
            if exc.kind in {"EOF", "BrokenPipe"}:
                self._writer = None
            await store_changed(self._store, todo, self._report)
            return
        self._report.created += len(todo)
        for (row, _), event_id in zip(todo, ids, strict=True):
            if row.retract_reason:
                await self._store.set_status(
                    [event_id], EventStatus.RETRACTED, reason=row.retract_reason
                )


async def store_rows(
    store: BulkStore,
    rows: list[ParsedRow],
    resolver: PlaceResolver,
    report: ImportReport,
    new_rows: NewRows,
) -> None:
    """Place a batch of rows, then store the new and the changed ones (unchanged: counted)."""
    placed: Todo = []
    for row in rows:
        if row.placed:
            placed.append((row, row.draft))
            continue
        where = await resolver.place(row.place)
        draft = replace(row.draft, place_key=where.key, location_precision=where.precision)
        placed.append((row, draft))
    stored = await store.stored([d.external_key or "" for _, d in placed])
    new: Todo = []
    changed: Todo = []
    for row, draft in placed:
        have = stored.get(draft.external_key or "")
        if have is None:
            new.append((row, draft))
        elif same(draft, have):
            report.unchanged += 1
        else:
            changed.append((row, draft))
    if new:
        await new_rows.submit(new)
    if changed:
        await new_rows.settle()
        await store_changed(store, changed, report)


async def store_new(store: BulkStore, todo: Todo, report: ImportReport) -> None:
    """Insert rows whose keys are not stored, in one go (one by one if the batch fails)."""
    try:
        ids = await store.insert_new([d for _, d in todo])
    except StoreRefused:
        # e.g. another writer stored one of these keys since the lookup: the careful path
        log.warning("import: a batch of new rows failed; storing them by key", exc_info=True)
        await store_changed(store, todo, report)
        return
    report.created += len(ids)
    for (row, _), event_id in zip(todo, ids, strict=True):
        if row.retract_reason:
            await store.set_status([event_id], EventStatus.RETRACTED, reason=row.retract_reason)


async def store_changed(store: BulkStore, todo: Todo, report: ImportReport) -> None:
    """Store rows by key (update in place, or insert) in one transaction, else one by one."""
    try:
        results = await store.add_many([d for _, d in todo])
        done = list(zip(todo, results, strict=True))
    except StoreRefused:
        log.warning("import: a batch failed; storing its rows one by one", exc_info=True)
        done = []
        for row, draft in todo:
            try:
                done.append(((row, draft), await store.add(draft)))
            except StoreRefused as exc:
                reason = str(exc).splitlines()[0]
                report.bad_rows.append(BadRow(row.line, f"could not be stored ({reason})"))
    for (row, _), result in done:
        if result.created:
            report.created += 1
            if row.retract_reason:
                await store.set_status(
                    [result.event.id], EventStatus.RETRACTED, reason=row.retract_reason
                )
        else:
            report.updated += 1

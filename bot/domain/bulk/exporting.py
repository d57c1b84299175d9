"""Bulk export: every event, sorted by date and key, as Sitrep JSONL, an ACLED or a UCDP GED CSV."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from bot.domain.bulk.acled import EXPORT_COLUMNS, acled_record
from bot.domain.bulk.jsonl import dump_line, event_record
from bot.domain.bulk.keys import ACLED_PREFIX, Identity, export_keys
from bot.domain.bulk.lines import Progress
from bot.domain.bulk.ports import BulkServices, BulkStore
from bot.domain.bulk.reading import Format
from bot.domain.bulk.ucdp import COLUMNS as UCDP_COLUMNS
from bot.domain.bulk.ucdp import KEY_PREFIX as UCDP_PREFIX
from bot.domain.bulk.ucdp_export import ucdp_record
from bot.domain.events.model import EventStatus, EventView
from bot.domain.places.gazetteer import Gazetteer


async def _all_events(store: BulkStore, statuses: Sequence[EventStatus]) -> list[EventView]:
    out: list[EventView] = []
    page = 1000
    while True:
        chunk = await store.list_events(statuses=statuses, limit=page, offset=len(out))
        out.extend(chunk)
        if len(chunk) < page:
            return out


def _keyed(views: list[EventView]) -> list[tuple[str, EventView]]:
    """Each event with its export key (bot.domain.bulk.keys), sorted by date and key."""
    keys = export_keys(Identity(v.id, v.created_at, v.external_key) for v in views)
    return sorted(((keys[v.id], v) for v in views), key=lambda kv: (kv[1].when.start, kv[0]))


def _acled_row(view: EventView, key: str, gazetteer: Gazetteer) -> dict[str, str]:
    """An ACLED row; an event that is no ACLED row carries its own export key as
    event_id_cnty, so the row finds it again when the file is imported back."""
    record = acled_record(view, gazetteer)
    if not key.startswith(ACLED_PREFIX):
        record["event_id_cnty"] = key
    return record


async def export_events(
    services: BulkServices,
    out: TextIO,
    *,
    fmt: Format = Format.JSONL,
    progress: Progress | None = None,
) -> int:
    """Write events sorted by date and key: JSONL all statuses; ACLED the published ones; UCDP
    the published ones imported from UCDP (its rows carry UCDP's id and no free-text summary)."""
    # Keys are given over every event, whatever the format shows: a keyless event has the same
    # key in every export (and the one a re-import gives it: bot.domain.bulk.reimport).
    keyed = _keyed(await _all_events(services.bulk, tuple(EventStatus)))
    if fmt is not Format.JSONL:
        keyed = [(k, v) for k, v in keyed if v.status is EventStatus.PUBLISHED]
    key_of = {v.id: k for k, v in keyed}
    if fmt is Format.UCDP:
        keyed = [(k, v) for k, v in keyed if k.startswith(UCDP_PREFIX)]
    total = len(keyed)
    if fmt is not Format.JSONL:
        columns = UCDP_COLUMNS if fmt is Format.UCDP else EXPORT_COLUMNS
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
    for n, (key, view) in enumerate(keyed, start=1):
        if fmt is Format.JSONL:
            into = key_of.get(view.merged_into) if view.merged_into is not None else None
            out.write(dump_line(event_record(view, key, services.gazetteer, into)))
        elif fmt is Format.UCDP:
            writer.writerow(ucdp_record(view, services.gazetteer))
        else:
            writer.writerow(_acled_row(view, key, services.gazetteer))
        if progress is not None and (n % 500 == 0 or n == total):
            progress(n, total)
    return total

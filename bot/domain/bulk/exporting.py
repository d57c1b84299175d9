"""Bulk export: every event, sorted by date and key, as Sitrep JSONL, an ACLED or a UCDP GED CSV."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from bot.domain.bulk.acled import EXPORT_COLUMNS, acled_record
from bot.domain.bulk.jsonl import dump_line, event_record, sitrep_key
from bot.domain.bulk.lines import Progress
from bot.domain.bulk.ports import BulkServices, BulkStore
from bot.domain.bulk.reading import Format
from bot.domain.bulk.ucdp import COLUMNS as UCDP_COLUMNS
from bot.domain.bulk.ucdp import KEY_PREFIX as UCDP_PREFIX
from bot.domain.bulk.ucdp_export import ucdp_record
from bot.domain.events.model import EventStatus, EventView


async def _all_events(store: BulkStore, statuses: Sequence[EventStatus]) -> list[EventView]:
    out: list[EventView] = []
    page = 1000
    while True:
        chunk = await store.list_events(statuses=statuses, limit=page, offset=len(out))
        out.extend(chunk)
        if len(chunk) < page:
            return out


def _keyed(views: list[EventView]) -> list[tuple[str, EventView]]:
    """Each event with its export key; keyless events created at the same instant get -2, -3…"""
    keyed: list[tuple[str, EventView]] = []
    seen: dict[str, int] = {}
    taken = {v.external_key for v in views if v.external_key}
    for view in sorted(views, key=lambda v: (v.external_key is not None, v.created_at, v.id)):
        if view.external_key:
            keyed.append((view.external_key, view))
            continue
        base = sitrep_key(view)
        n = seen.get(base, 0) + 1
        key = base if n == 1 else f"{base}-{n}"
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        seen[base] = n
        taken.add(key)
        keyed.append((key, view))
    return sorted(keyed, key=lambda kv: (kv[1].when.start, kv[0]))


async def export_events(
    services: BulkServices,
    out: TextIO,
    *,
    fmt: Format = Format.JSONL,
    progress: Progress | None = None,
) -> int:
    """Write events sorted by date and key: JSONL all statuses; ACLED the published ones; UCDP
    the published ones imported from UCDP (its rows carry UCDP's id and no free-text summary)."""
    statuses = tuple(EventStatus) if fmt is Format.JSONL else (EventStatus.PUBLISHED,)
    keyed = _keyed(await _all_events(services.bulk, statuses))
    if fmt is Format.UCDP:
        keyed = [(k, v) for k, v in keyed if k.startswith(UCDP_PREFIX)]
    total = len(keyed)
    if fmt is not Format.JSONL:
        columns = UCDP_COLUMNS if fmt is Format.UCDP else EXPORT_COLUMNS
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
    for n, (key, view) in enumerate(keyed, start=1):
        if fmt is Format.JSONL:
            out.write(dump_line(event_record(view, key, services.gazetteer)))
        elif fmt is Format.UCDP:
            writer.writerow(ucdp_record(view, services.gazetteer))
        else:
            writer.writerow(acled_record(view, services.gazetteer))
        if progress is not None and (n % 500 == 0 or n == total):
            progress(n, total)
    return total

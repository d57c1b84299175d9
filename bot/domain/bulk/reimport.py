"""An import as `sitrep import` runs it: an export finds the events it came from, and the merge
pass joins the imported rows to other sources' accounts of the same happening.

Rules (documented choices):

* Re-importing an export into the store it came from changes nothing. Every exported event
  carries its identity (bot.domain.bulk.keys): a dataset row its dataset's key, an article's or
  an admin's event a ``sitrep:`` key. Before a file naming ``sitrep:`` keys is imported, the
  store's keyless events are given the keys an export gives them, so those rows find them.
* A CSV row keyed to an event of another origin (an article's event or a UCDP row in an ACLED
  CSV: Sitrep's export of it) never overwrites the stored event: the CSV carries less than the
  event (no URLs, no roles, no excerpt), so the event stays as it is (counted unchanged).
* A JSONL line's ``merged_into`` (the key of the event it was merged into) is restored.
* Then the merge pass (bot.domain.events.merge_pass) runs over the days of the rows stored or
  changed, window by window, as ingestion does after an article; rows of one dataset are never
  merged together. ``merge=False`` skips it.
"""

from __future__ import annotations

import logging
import mmap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Protocol

from bot.domain.actors.registry import ActorRegistry
from bot.domain.bulk.importer import import_file
from bot.domain.bulk.jsonl import merged_pair
from bot.domain.bulk.keys import SITREP_PREFIX, Identity, dataset_of, export_keys
from bot.domain.bulk.lines import Progress
from bot.domain.bulk.ports import BatchWriter, BulkServices, BulkStore, SendBatch
from bot.domain.bulk.reading import Format, detect_format
from bot.domain.bulk.types import ImportReport
from bot.domain.clock import Clock
from bot.domain.events.merge_pass import MergeStore, merge_twins
from bot.domain.events.model import EventDraft, EventStatus, EventView, SourceInfo
from bot.domain.events.records import AddResult
from bot.domain.places.gazetteer import Gazetteer
from bot.domain.places.model import Place, PlaceKind

log = logging.getLogger(__name__)

Span = tuple[date, date]


class KeyStore(Protocol):
    """Events' keys, as re-imports need them."""

    async def keyless(self) -> list[Identity]:
        """Every event without an external key, with its creation instant."""
        ...

    async def sitrep_keys(self) -> set[str]:
        """The ``sitrep:`` keys already stored."""
        ...

    async def set_keys(self, keys: Mapping[int, str]) -> None:
        """Give keyless events these keys."""
        ...

    async def ids_of(self, keys: Sequence[str]) -> dict[str, int]:
        """The ids of the events with these keys."""
        ...


@dataclass
class ImportRun:
    """What `sitrep import` did: the import's report and the merges after it."""

    report: ImportReport
    merged: dict[int, list[int]] = field(default_factory=dict)

    def merge_note(self) -> str:
        """`3 events merged into other sources' accounts of the same happening` (or "")."""
        n = sum(len(ids) for ids in self.merged.values())
        if not n:
            return ""
        return f"{n} event{'s' if n != 1 else ''} merged with other sources' accounts"


async def adopt_export_keys(keys: KeyStore) -> int:
    """Give the store's keyless events the keys an export gives them; how many there were."""
    keyless = await keys.keyless()
    if not keyless:
        return 0
    await keys.set_keys(export_keys(keyless, await keys.sitrep_keys()))
    return len(keyless)


def names_sitrep_keys(path: Path) -> bool:
    """Whether the file mentions a ``sitrep:`` key (a byte search, no parsing)."""
    with path.open("rb") as f:
        try:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return data.find(SITREP_PREFIX.encode()) >= 0
        except ValueError:  # an empty file cannot be mapped
            return False


def windows(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or adjacent date spans joined into windows, in order."""
    out: list[Span] = []
    for first, last in sorted(spans):
        if out and first.toordinal() <= out[-1][1].toordinal() + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def _by_outlet(view: EventView) -> EventView:
    """The view with each source that has a URL also given by its outlet alone."""
    have = {(s.outlet, s.url) for s in view.sources}
    extra = tuple(
        dict.fromkeys(SourceInfo(s.outlet) for s in view.sources if (s.outlet, "") not in have)
    )
    return replace(view, sources=view.sources + extra) if extra else view


class _NotingWriter:
    """A batch writer that notes the spans of the drafts it is given."""

    def __init__(self, inner: BatchWriter, guard: GuardedStore) -> None:
        self._inner, self._guard = inner, guard

    def prepare(self, drafts: Sequence[EventDraft]) -> SendBatch:
        """Build the batch (see BatchWriter) and note its days."""
        self._guard.note(drafts)
        return self._inner.prepare(drafts)

    async def close(self) -> None:
        """Let the writer finish."""
        await self._inner.close()


class GuardedStore:
    """The import's store: rows keyed to events of another origin leave them as they are, and
    the days of the rows written are noted for the merge pass (see the module)."""

    def __init__(self, inner: BulkStore, dataset: str | None) -> None:
        """`dataset`: the dataset a CSV's own rows belong to ("acled", "ucdp"); None: JSONL."""
        self._inner, self._dataset = inner, dataset
        self._foreign: dict[str, EventView] = {}
        self._batch: dict[str, EventView] = {}  # the last batch's stored events (CSV)
        self.kept = 0
        self.spans: list[Span] = []

    def note(self, drafts: Iterable[EventDraft]) -> None:
        """Remember the days of drafts written."""
        self.spans.extend((d.when.first_day(), d.when.last_day()) for d in drafts)

    async def stored(self, keys: Sequence[str]) -> dict[str, EventView]:
        """The stored events with these keys; for a CSV, an event's sources with a URL count as
        given by outlet alone too (the CSV names outlets only)."""
        found = await self._inner.stored(keys)
        if self._dataset is None:
            return found
        for key, view in found.items():
            if dataset_of(key) != self._dataset:
                self._foreign[key] = view
        self._batch = found = {k: _by_outlet(v) for k, v in found.items()}
        return found

    async def insert_new(self, drafts: Sequence[EventDraft]) -> list[int]:
        """Insert new drafts."""
        ids = await self._inner.insert_new(drafts)
        self.note(drafts)
        return ids

    def _own(self, draft: EventDraft) -> EventDraft:
        """A CSV row's draft without the outlets its stored event already has."""
        view = self._batch.get(draft.external_key or "")
        if view is None or not draft.sources:
            return draft
        known = {s.outlet for s in view.sources}
        sources = tuple(s for s in draft.sources if s.url or s.outlet not in known)
        return replace(draft, sources=sources) if len(sources) != len(draft.sources) else draft

    async def add_many(self, drafts: Sequence[EventDraft]) -> list[AddResult]:
        """Store drafts by key, except over events of another origin."""
        kept = [self._foreign.get(d.external_key or "") for d in drafts]
        todo = [self._own(d) for d, view in zip(drafts, kept, strict=True) if view is None]
        done = iter(await self._inner.add_many(todo) if todo else [])
        self.note(todo)
        self.kept += len(drafts) - len(todo)
        return [AddResult(view, created=False) if view is not None else next(done) for view in kept]

    async def add(self, draft: EventDraft) -> AddResult:
        """Store one draft by key, except over an event of another origin."""
        view = self._foreign.get(draft.external_key or "")
        if view is not None:
            self.kept += 1
            return AddResult(view, created=False)
        result = await self._inner.add(self._own(draft))
        self.note([draft])
        return result

    async def set_status(
        self, ids: Sequence[int], status: EventStatus, *, reason: str | None = None
    ) -> list[EventView]:
        """Publish, retract or return events to draft."""
        return await self._inner.set_status(ids, status, reason=reason)

    async def list_events(
        self, *, statuses: Iterable[EventStatus], limit: int, offset: int
    ) -> list[EventView]:
        """A page of events."""
        return await self._inner.list_events(statuses=statuses, limit=limit, offset=offset)

    async def add_place(
        self,
        name: str,
        *,
        kind: PlaceKind,
        parent_key: str | None,
        lat: float | None,
        lon: float | None,
    ) -> Place:
        """Add a place."""
        return await self._inner.add_place(name, kind=kind, parent_key=parent_key, lat=lat, lon=lon)

    def open_writer(self) -> BatchWriter | None:
        """The store's writer process, noting the days of its batches."""
        writer = self._inner.open_writer()
        return None if writer is None else _NotingWriter(writer, self)


@dataclass(frozen=True, slots=True)
class _Services:
    """BulkServices with the guarded store."""

    clock: Clock
    gazetteer: Gazetteer
    bulk: BulkStore


async def _restore_merges(path: Path, keys: KeyStore, merges: MergeStore) -> dict[int, list[int]]:
    """Merge the events a JSONL file says were merged (`merged_into`)."""
    pairs: list[tuple[str, str]] = []
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        for line in f:
            pair = merged_pair(line)
            if pair is not None:
                pairs.append(pair)
    if not pairs:
        return {}
    ids = await keys.ids_of([k for pair in pairs for k in pair])
    apart = await merges.apart()  # an admin's split since the export stands
    groups: dict[int, list[int]] = {}
    for key, into in pairs:
        if key in ids and into in ids and frozenset((ids[key], ids[into])) not in apart:
            groups.setdefault(ids[into], []).append(ids[key])
    done: dict[int, list[int]] = {}
    for head, members in groups.items():
        merged = await merges.merge(head, members)
        if merged:
            done[head] = merged
    return done


async def import_and_merge(
    services: BulkServices,
    keys: KeyStore,
    merges: MergeStore,
    path: Path,
    *,
    fmt: Format | None = None,
    strict: bool = False,
    merge: bool = True,
    actors: ActorRegistry | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Import a file (see the module): an export finds its events, then the merge pass runs
    over the days written."""
    fmt = fmt or detect_format(path)
    if names_sitrep_keys(path):
        await adopt_export_keys(keys)
    dataset = None if fmt is Format.JSONL else fmt.value
    guard = GuardedStore(services.bulk, dataset)
    guarded = _Services(services.clock, services.gazetteer, guard)
    report = await import_file(guarded, path, fmt=fmt, strict=strict, progress=progress)
    # rows over events of another origin were left as they are: unchanged, not updated
    report.updated -= guard.kept
    report.unchanged += guard.kept
    run = ImportRun(report)
    if report.strict_failed:
        return run
    if fmt is Format.JSONL:
        run.merged.update(await _restore_merges(path, keys, merges))
    if merge:
        for first, last in windows(guard.spans):
            done = await merge_twins(merges, services.gazetteer, first, last, actors)
            for head, ids in done.items():
                run.merged.setdefault(head, []).extend(ids)
    log.info("import of %s: %s; %s", path, report.summary(), run.merge_note() or "no merges")
    return run

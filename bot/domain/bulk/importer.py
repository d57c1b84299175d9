"""Bulk import (ACLED CSV, Sitrep JSONL) and export of events, streamed in batches.

Rules (documented choices):

* A file is checked whole before anything is stored: empty, binary (NUL bytes) or not UTF-8
  (a UTF-8 BOM is fine) files, and CSVs lacking event_date/location/notes, are refused.
* Bad rows are reported with their (first) line number and skipped; with ``strict`` the file is
  read twice and nothing is stored when any row is bad.
* Every imported event has a stable external key, so importing again updates in place: rows equal
  to the stored event count as unchanged and are not written at all.
* ACLED places: the place called ``location`` inside the row's narrowest known admin area
  (admin3, admin2, admin1: names repeat across provinces), else the gazetteer's best match
  inside its broadest known area (or anywhere when no admin area is known); else a new TOWN
  under the row's district (admin2) or province (admin1) at the row's coordinates; without
  coordinates the event is placed on that district/province (precision at least NEAR/REGION);
  when admin1 is unknown too, the place is kept as written.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from bot.bootstrap import Domain
from bot.domain.bulk.acled import (
    EXPORT_COLUMNS,
    REQUIRED_COLUMNS,
    AcledParser,
    acled_record,
)
from bot.domain.bulk.jsonl import dump_line, event_record, parse_jsonl_line, sitrep_key
from bot.domain.bulk.types import (
    BadRow,
    BulkError,
    ImportReport,
    KnownPlace,
    ParsedRow,
    PlaceHint,
    RowError,
)
from bot.domain.events.model import EventDraft, EventStatus, EventView, LocationPrecision
from bot.domain.places.gazetteer import Gazetteer, Place, PlaceKind
from bot.store.events import ACTOR_SEP
from bot.store.models.events import EventRow
from bot.store.places import PlaceError
from bot.store.sqlitewriter import WriterError, WriterProcess

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
FIRST_BATCH = 500  # then doubled up to BATCH_SIZE
WRITER_MIN_BYTES = 1 << 20  # files from ~2,000 ACLED rows: a writer process pays for itself
CHUNK = 1 << 16
_PRECISION_RANK = {
    LocationPrecision.EXACT: 0,
    LocationPrecision.NEAR: 1,
    LocationPrecision.REGION: 2,
}

Progress = Callable[[int, int], None]  # (bytes done, bytes total)

__all__ = [
    "BadRow",
    "BulkError",
    "Format",
    "ImportReport",
    "detect_format",
    "export_events",
    "import_file",
]


class Format(StrEnum):
    """File formats the bulk verbs read and write."""

    ACLED = "acled"
    JSONL = "jsonl"


# ---- reading files ------------------------------------------------------------------------


def check_file(path: Path) -> None:
    """Refuse files that are missing, empty, binary or not UTF-8 (one clear message)."""
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise BulkError(f"cannot read {path}: {exc.strerror or exc}") from None
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, seen_text = 0, False
    with handle:
        while chunk := handle.read(CHUNK):
            if b"\0" in chunk:
                raise BulkError(f"{path} looks like a binary file, not CSV or JSONL text")
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = offset + exc.start
                raise BulkError(
                    f"{path} is not UTF-8 text (byte 0x{chunk[exc.start]:02x} at offset {at}); "
                    "save it as UTF-8 and try again"
                ) from None
            seen_text = seen_text or bool(text.replace("\ufeff", "").strip())
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise BulkError(f"{path} is not UTF-8 text (it ends mid-character)") from None
    if size == 0 or not seen_text:
        raise BulkError(f"{path} is empty")


def detect_format(path: Path) -> Format:
    """The format from the extension (.csv, .jsonl/.ndjson/.json), else from the first character."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return Format.ACLED
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return Format.JSONL
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        head = f.read(4096).lstrip()
    return Format.JSONL if head.startswith("{") else Format.ACLED


class _Counted:
    """Iterates a text file's lines, counting the bytes read for a progress bar."""

    def __init__(self, f: TextIO, progress: Progress | None, total: int) -> None:
        self._f, self._progress, self._total = f, progress, total
        self.done = 0
        self._next_report = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._f:
            self.done += len(line)
            if self._progress is not None and self.done >= self._next_report:
                self._progress(min(self.done, self._total), self._total)
                self._next_report = self.done + max(self._total // 200, CHUNK)
            yield line
        if self._progress is not None:
            self._progress(self._total, self._total)


def _acled_rows(
    lines: _Counted, path: Path, today: date, known_place: KnownPlace | None
) -> Iterator[ParsedRow | BadRow]:
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise BulkError(f"{path} is empty") from None
    except csv.Error as exc:
        raise BulkError(f"{path}: the header row is not valid CSV ({exc})") from None
    columns = [c.strip().lower() for c in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise BulkError(
            f"{path} is not an ACLED CSV: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (needs at least {', '.join(REQUIRED_COLUMNS)})"
        )
    width = len(columns)
    parser = AcledParser(today, known_place)
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield BadRow(line, f"not valid CSV ({exc})")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(map(str.strip, values)):
            continue
        if len(values) > width and any(map(str.strip, values[width:])):
            yield BadRow(start, f"{len(values)} fields, but the header has {width}")
            continue
        row = dict(zip(columns, values, strict=False))
        try:
            yield parser.parse(row, start)
        except RowError as exc:
            yield BadRow(start, str(exc))


def _jsonl_rows(lines: _Counted, today: date) -> Iterator[ParsedRow | BadRow]:
    for number, text in enumerate(lines, start=1):
        text = text.lstrip("\ufeff").strip()
        if not text:
            continue
        try:
            yield parse_jsonl_line(text, number, today)
        except RowError as exc:
            yield BadRow(number, str(exc))


def read_rows(
    path: Path,
    fmt: Format,
    today: date,
    progress: Progress | None = None,
    known_place: KnownPlace | None = None,
) -> Iterator[ParsedRow | BadRow]:
    """Stream a file's rows as drafts or bad rows (a key seen twice makes the later row bad).

    `known_place` lets ACLED rows whose place is already resolved be drafted with it at once.
    """
    total = path.stat().st_size
    first_line: dict[str, int] = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        lines = _Counted(f, progress, total)
        rows = (
            _acled_rows(lines, path, today, known_place)
            if fmt is Format.ACLED
            else _jsonl_rows(lines, today)
        )
        for item in rows:
            if isinstance(item, ParsedRow):
                key = item.draft.external_key or ""
                if key in first_line:
                    item = BadRow(item.line, f"same key {key} as line {first_line[key]}")
                else:
                    first_line[key] = item.line
            yield item


# ---- places -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Placed:
    key: str | None
    precision: LocationPrecision


class PlaceResolver:
    """Finds (or adds) the place of each imported row, remembering answers for the file."""

    def __init__(self, domain: Domain, report: ImportReport) -> None:
        self._domain = domain
        self._gaz: Gazetteer = domain.gazetteer
        self._report = report
        self._memo: dict[PlaceHint, _Placed] = {}
        # The parser hands out one PlaceHint object per distinct place, so most rows are found
        # by identity before hashing; the hint is kept in the value, so its id stays its own.
        self._by_id: dict[int, tuple[PlaceHint, _Placed]] = {}
        # admin areas by (name, kind, enclosing area): a file names a few hundred, many times
        self._admins: dict[tuple[str, PlaceKind, str | None], Place | None] = {}

    def known(self, hint: PlaceHint) -> tuple[str | None, LocationPrecision] | None:
        """The place key and precision of a hint, when the gazetteer (or a hint resolved
        before) tells it without storing anything; None when a place has to be added first."""
        seen = self._by_id.get(id(hint))
        if seen is not None and seen[0] is hint:
            return seen[1].key, seen[1].precision
        found = self._memo.get(hint)
        if found is None and not hint.exact:
            found = self._acled_known(hint)
            if found is None:
                return None
            self._remember(hint, found)
        return (found.key, found.precision) if found is not None else None

    def _remember(self, hint: PlaceHint, found: _Placed) -> None:
        self._memo[hint] = found
        if len(self._by_id) >= 100_000:
            self._by_id.clear()
        self._by_id[id(hint)] = (hint, found)

    async def place(self, hint: PlaceHint) -> _Placed:
        """The place key and location precision for a row's place hint."""
        seen = self._by_id.get(id(hint))
        if seen is not None and seen[0] is hint:
            return seen[1]
        found = self._memo.get(hint)
        if found is None:
            found = await (self._jsonl(hint) if hint.exact else self._acled(hint))
        self._remember(hint, found)
        return found

    async def _add(
        self, name: str, kind: PlaceKind, parent: str | None, lat: float | None, lon: float | None
    ) -> Place | None:
        before = len(self._gaz)
        try:
            place = await self._domain.places.add_place(
                name, kind=kind, parent_key=parent, lat=lat, lon=lon
            )
        except PlaceError as exc:
            log.warning("import: cannot add place %r: %s", name, exc)
            return None
        if len(self._gaz) > before:
            self._report.places_added += 1
        return place

    async def _jsonl(self, hint: PlaceHint) -> _Placed:
        if hint.key is None:
            return _Placed(None, hint.precision)
        if hint.key in self._gaz:
            return _Placed(hint.key, hint.precision)
        new = hint.new_place
        if new is not None:
            parent = new.parent if new.parent and new.parent in self._gaz else None
            place = await self._add(new.name, PlaceKind(new.kind), parent, new.lat, new.lon)
            if place is not None:
                return _Placed(place.key, hint.precision)
        return _Placed(None, hint.precision)

    def _admin(self, name: str, kind: PlaceKind, within: Place | None) -> Place | None:
        if not name:
            return None
        memo_key = (name, kind, within.key if within is not None else None)
        if memo_key in self._admins:
            return self._admins[memo_key]
        found = self._admin_area(name, kind, within)
        self._admins[memo_key] = found
        return found

    def _admin_area(self, name: str, kind: PlaceKind, within: Place | None) -> Place | None:
        place = self._gaz.resolve(f"{name} {kind.value}") or self._gaz.resolve(name)
        if place is None or (within is not None and not self._inside(place, within)):
            return None
        return place

    def _inside(self, place: Place, area: Place) -> bool:
        if place.key == area.key:
            return True
        return any(a.key == area.key for a in self._gaz.ancestors(place.key))

    def _named(self, name: str, areas: list[Place]) -> Place | None:
        """The place called `name` inside the narrowest of the row's admin areas that has one.

        Names repeat across provinces (two Faizabads): the row's admin areas choose among them.
        Without known areas, the gazetteer's best match (typos forgiven) is taken.
        """
        if not areas:
            return self._gaz.resolve(name, prefer_city=True)
        for area in areas:
            inside = self._gaz.named_within(name, area.key, prefer_city=True)
            if inside:
                return inside[0]
        place = self._gaz.resolve(name, prefer_city=True)
        return place if place is not None and self._inside(place, areas[-1]) else None

    def _areas(self, hint: PlaceHint) -> tuple[Place | None, Place | None, Place | None]:
        a1 = self._admin(hint.admins[0], PlaceKind.PROVINCE, None)
        a2 = self._admin(hint.admins[1], PlaceKind.DISTRICT, a1)
        a3 = self._admin(hint.admins[2], PlaceKind.DISTRICT, a2 or a1)
        return a1, a2, a3

    def _acled_known(self, hint: PlaceHint) -> _Placed | None:
        """An ACLED row's place from the gazetteer alone; None when a new town is to be added."""
        a1, a2, a3 = self._areas(hint)
        place = self._named(hint.as_written, [a for a in (a3, a2, a1) if a is not None])
        if place is not None:
            return _Placed(place.key, hint.precision)
        area = a3 or a2 or a1
        if area is None:
            return _Placed(None, hint.precision)
        if hint.lat is not None and hint.lon is not None:
            return None
        return self._within(hint, area, a1)

    @staticmethod
    def _within(hint: PlaceHint, area: Place, province: Place | None) -> _Placed:
        """The row placed on its admin area (at best NEAR a district, REGION of a province)."""
        floor = LocationPrecision.REGION if area is province else LocationPrecision.NEAR
        precision = max(hint.precision, floor, key=_PRECISION_RANK.__getitem__)
        return _Placed(area.key, precision)

    async def _acled(self, hint: PlaceHint) -> _Placed:
        found = self._acled_known(hint)
        if found is not None:
            return found
        a1, a2, a3 = self._areas(hint)
        area = a3 or a2 or a1
        if area is None or hint.lat is None or hint.lon is None:  # _acled_known placed these
            return _Placed(None, hint.precision)
        added = await self._add(hint.as_written, PlaceKind.TOWN, area.key, hint.lat, hint.lon)
        if added is not None:
            return _Placed(added.key, hint.precision)
        return self._within(hint, area, a1)


# ---- storing ------------------------------------------------------------------------------


def _sqlite_file(domain: Domain) -> str | None:
    """The database file when the store is a SQLite file (a writer process can share it)."""
    url = domain.engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None  # URI filenames: keep to this process
    return url.database


def _same(draft: EventDraft, view: EventView) -> bool:
    """True when storing the draft would change nothing (the fields EventStore writes)."""
    have = {(s.outlet, s.url) for s in view.sources}
    actors = tuple(a.strip() for a in draft.actors if a.strip())
    return (
        draft.summary.strip() == view.summary
        and draft.when == view.when
        and draft.place_key == view.place_key
        and draft.place_text[:255] == view.place_text
        and draft.location_precision == view.location_precision
        and ACTOR_SEP.join(actors) == ACTOR_SEP.join(view.actors)
        and draft.event_type[:64] == view.event_type
        and draft.sub_event_type[:96] == view.sub_event_type
        and draft.severity == view.severity
        and draft.claim_status == view.claim_status
        and draft.claim_note[:255] == view.claim_note
        and draft.fatalities == view.fatalities
        and draft.origin == view.origin
        and all((s.outlet[:255], s.url) in have for s in draft.sources)
    )


async def _stored(domain: Domain, keys: Sequence[str]) -> dict[str, EventView]:
    """The stored events with these keys (a first import finds none, after one cheap query)."""
    keys = sorted(await domain.events.stored_keys(keys))
    if not keys:
        return {}
    async with domain.sessions() as session:
        rows = (
            await session.scalars(
                select(EventRow)
                .where(EventRow.external_key.in_(list(keys)))
                .options(selectinload(EventRow.sources))
            )
        ).all()
        return {r.external_key: domain.events.view(r) for r in rows if r.external_key}


class _NewRows:
    """Stores batches of new rows: through a writer process when there is one (the importer
    parses the next batch while it stores this one), else in this process."""

    def __init__(self, domain: Domain, report: ImportReport, writer: WriterProcess | None):
        self._domain, self._report, self._writer = domain, report, writer
        self._pending: tuple[list[tuple[ParsedRow, EventDraft]], asyncio.Task[int]] | None = None

    async def submit(self, todo: list[tuple[ParsedRow, EventDraft]]) -> None:
        """Store these rows (the writer answers later; `settle` collects the answer)."""
        # the batch is built while the writer still stores the previous one
        batch = self._domain.events.writer_batch([d for _, d in todo]) if self._writer else None
        await self.settle()
        if self._writer is not None and batch is not None:
            try:
                task = self._writer.submit(batch)
            except WriterError as exc:
                log.warning("import: the writer process failed (%s); storing here", exc)
                self._writer = None
            else:
                self._pending = (todo, task)
                return
        await _store_new(self._domain, todo, self._report)

    async def settle(self) -> None:
        """Wait for the batch the writer has in hand; a failed one is stored here, by key."""
        if self._pending is None:
            return
        todo, task = self._pending
        self._pending = None
        try:
            first = await task
        except WriterError as exc:
            # e.g. another writer stored one of these keys since the lookup: the careful path
            log.warning("import: the writer could not store a batch (%s); storing by key", exc)
            if exc.kind in {"EOF", "BrokenPipe"}:
                self._writer = None
            await _store_changed(self._domain, todo, self._report)
            return
        self._report.created += len(todo)
        for offset, (row, _) in enumerate(todo):
            if row.retract_reason:
                await self._domain.events.set_status(
                    [first + offset], EventStatus.RETRACTED, reason=row.retract_reason
                )


async def _store(
    domain: Domain,
    rows: list[ParsedRow],
    resolver: PlaceResolver,
    report: ImportReport,
    new_rows: _NewRows,
) -> None:
    placed: list[tuple[ParsedRow, EventDraft]] = []
    for row in rows:
        if row.placed:
            placed.append((row, row.draft))
            continue
        where = await resolver.place(row.place)
        draft = replace(row.draft, place_key=where.key, location_precision=where.precision)
        placed.append((row, draft))
    stored = await _stored(domain, [d.external_key or "" for _, d in placed])
    new: list[tuple[ParsedRow, EventDraft]] = []
    changed: list[tuple[ParsedRow, EventDraft]] = []
    for row, draft in placed:
        have = stored.get(draft.external_key or "")
        if have is None:
            new.append((row, draft))
        elif _same(draft, have):
            report.unchanged += 1
        else:
            changed.append((row, draft))
    if new:
        await new_rows.submit(new)
    if changed:
        await new_rows.settle()
        await _store_changed(domain, changed, report)


async def _store_new(
    domain: Domain, todo: list[tuple[ParsedRow, EventDraft]], report: ImportReport
) -> None:
    """Insert rows whose keys are not stored, in one go (one by one if the batch fails)."""
    try:
        ids = await domain.events.insert_new([d for _, d in todo])
    except SQLAlchemyError:
        # e.g. another writer stored one of these keys since the lookup: the careful path
        log.warning("import: a batch of new rows failed; storing them by key", exc_info=True)
        await _store_changed(domain, todo, report)
        return
    report.created += len(ids)
    for (row, _), event_id in zip(todo, ids, strict=True):
        if row.retract_reason:
            await domain.events.set_status(
                [event_id], EventStatus.RETRACTED, reason=row.retract_reason
            )


async def _store_changed(
    domain: Domain, todo: list[tuple[ParsedRow, EventDraft]], report: ImportReport
) -> None:
    """Store rows by key (update in place, or insert) in one transaction, else one by one."""
    try:
        results = await domain.events.add_many([d for _, d in todo])
        done = list(zip(todo, results, strict=True))
    except SQLAlchemyError:
        log.warning("import: a batch failed; storing its rows one by one", exc_info=True)
        done = []
        for row, draft in todo:
            try:
                done.append(((row, draft), await domain.events.add(draft)))
            except SQLAlchemyError as exc:
                reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                report.bad_rows.append(BadRow(row.line, f"could not be stored ({reason})"))
    for (row, _), result in done:
        if result.created:
            report.created += 1
            if row.retract_reason:
                await domain.events.set_status(
                    [result.event.id], EventStatus.RETRACTED, reason=row.retract_reason
                )
        else:
            report.updated += 1


async def import_file(
    domain: Domain,
    path: Path,
    *,
    fmt: Format | None = None,
    strict: bool = False,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    writer_process: bool | None = None,
) -> ImportReport:
    """Import an ACLED CSV or Sitrep JSONL file; raises BulkError when the whole file is unfit.

    On a SQLite file, new rows of a large file (or with `writer_process`) are stored by a
    writer process while the next batch is parsed.
    """
    check_file(path)
    fmt = fmt or detect_format(path)
    today = today or domain.clock.now().date()
    report = ImportReport()
    if strict:
        bad = [r for r in read_rows(path, fmt, today) if isinstance(r, BadRow)]
        if bad:
            report.bad_rows = bad
            report.strict_failed = True
            return report
    resolver = PlaceResolver(domain, report)
    if writer_process is None:
        writer_process = path.stat().st_size >= WRITER_MIN_BYTES
    database = _sqlite_file(domain) if writer_process else None
    writer = WriterProcess(database) if database else None
    new_rows = _NewRows(domain, report, writer)
    # With a writer, the first batches are small, so it starts early (it waits for the first).
    size = min(batch_size, FIRST_BATCH) if writer is not None else batch_size
    try:
        batch: list[ParsedRow] = []
        for item in read_rows(path, fmt, today, progress, resolver.known):
            if isinstance(item, BadRow):
                report.bad_rows.append(item)
                continue
            batch.append(item)
            if len(batch) >= size:
                await _store(domain, batch, resolver, report, new_rows)
                batch = []
                size = min(batch_size, size * 2)
        if batch:
            await _store(domain, batch, resolver, report, new_rows)
        await new_rows.settle()
    finally:
        if writer is not None:
            await writer.close()
    report.bad_rows.sort(key=lambda b: b.line)
    log.info("import of %s: %s", path, report.summary())
    return report


# ---- export -------------------------------------------------------------------------------


async def _all_events(domain: Domain, statuses: Sequence[EventStatus]) -> list[EventView]:
    out: list[EventView] = []
    page = 1000
    while True:
        chunk = await domain.events.list_events(statuses=statuses, limit=page, offset=len(out))
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
    domain: Domain, out: TextIO, *, fmt: Format = Format.JSONL, progress: Progress | None = None
) -> int:
    """Write every event (JSONL: all statuses; ACLED: published only) sorted by date and key."""
    statuses = tuple(EventStatus) if fmt is Format.JSONL else (EventStatus.PUBLISHED,)
    keyed = _keyed(await _all_events(domain, statuses))
    total = len(keyed)
    if fmt is Format.ACLED:
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
    for n, (key, view) in enumerate(keyed, start=1):
        if fmt is Format.JSONL:
            out.write(dump_line(event_record(view, key, domain.gazetteer)))
        else:
            writer.writerow(acled_record(view, domain.gazetteer))
        if progress is not None and (n % 500 == 0 or n == total):
            progress(n, total)
    return total

"""Reading bulk files: their format, and their rows streamed (a bad line costs only its row)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from enum import StrEnum
from itertools import islice
from pathlib import Path

from bot.domain.bulk import ucdp
from bot.domain.bulk.acled import REQUIRED_COLUMNS, AcledParser
from bot.domain.bulk.jsonl import parse_jsonl_line
from bot.domain.bulk.lines import Line, Progress, physical_lines
from bot.domain.bulk.records import CsvRecords, field_count
from bot.domain.bulk.types import BadRow, BulkError, KnownPlace, ParsedRow, RowError

PREFETCH_ROWS = 1000  # CSV rows whose place names are looked up together
Prefetch = Callable[[Iterable[str]], None]  # looks up place names ahead of their rows


class Format(StrEnum):
    """File formats the bulk verbs read and write."""

    ACLED = "acled"
    JSONL = "jsonl"
    UCDP = "ucdp"


# Header words of an ACLED file, weighed against UCDP's markers when the header is read.
_ACLED_MARKERS = frozenset({*REQUIRED_COLUMNS, "event_id_cnty", "admin1", "actor1", "fatalities"})
_NAMES: dict[Format, str] = {Format.ACLED: "an ACLED CSV", Format.UCDP: "a UCDP GED CSV"}


def _csv_format(head: str) -> Format:
    """UCDP when the header names more of UCDP's columns than of ACLED's, else ACLED."""
    first = next((line for line in head.splitlines() if line.strip()), "")
    try:
        columns = {c.strip().lower() for c in next(csv.reader([first]), [])}
    except csv.Error:
        return Format.ACLED
    if len(columns & ucdp.MARKERS) > len(columns & _ACLED_MARKERS):
        return Format.UCDP
    return Format.ACLED


def detect_format(path: Path) -> Format:
    """The format from the extension (.jsonl/.ndjson/.json), the first character (JSONL) or the
    CSV header (UCDP GED or ACLED)."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson", ".json"}:
        return Format.JSONL
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        head = f.read(1 << 16).lstrip()
    if suffix != ".csv" and head.startswith("{"):
        return Format.JSONL
    return _csv_format(head)


def _header(records: CsvRecords, path: Path) -> list[str]:
    while (record := records.read()) is not None:
        if record.problem is not None:
            raise BulkError(f"{path}: the header row (line {record.line}) is bad: {record.problem}")
        if any(map(str.strip, record.values)):
            return [c.strip().lower() for c in record.values]
    raise BulkError(f"{path} is empty")


def _csv_rows(
    lines: Iterator[Line],
    path: Path,
    fmt: Format,
    today: date,
    known_place: KnownPlace | None,
    prefetch: Prefetch | None,
) -> Iterator[ParsedRow | BadRow]:
    records = CsvRecords(lines)
    columns = _header(records, path)
    required = ucdp.REQUIRED_COLUMNS if fmt is Format.UCDP else REQUIRED_COLUMNS
    missing = [c for c in required if c not in columns]
    if missing:
        raise BulkError(
            f"{path} is not {_NAMES[fmt]}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (needs at least {', '.join(required)})"
        )
    width = len(columns)
    parser: AcledParser | ucdp.UcdpParser = (
        ucdp.UcdpParser(today, known_place)
        if fmt is Format.UCDP
        else AcledParser(today, known_place)
    )
    place_at = columns.index(parser.PLACE_COLUMN) if parser.PLACE_COLUMN in columns else -1
    read = records.rows(width)
    # rows come in chunks: the places they name are looked up together before they are parsed
    while chunk := list(islice(read, PREFETCH_ROWS)):
        if prefetch is not None and place_at >= 0:
            prefetch(
                {
                    parser.place_name(r.values[place_at])
                    for r in chunk
                    if not isinstance(r, BadRow) and len(r.values) > place_at
                }
            )
        for record in chunk:
            if isinstance(record, BadRow):
                yield record
                continue
            values, start = record.values, record.line
            if field_count(values, width) > width:
                yield BadRow(start, f"{len(values)} fields, but the header has {width}")
                continue
            row = dict(zip(columns, values, strict=False))
            try:
                yield parser.parse(row, start)
            except RowError as exc:
                yield BadRow(start, str(exc))


def _jsonl_rows(lines: Iterator[Line], today: date) -> Iterator[ParsedRow | BadRow]:
    for line in lines:
        if line.problem is not None:
            yield BadRow(line.number, line.problem)
            continue
        text = line.text.strip()
        if not text:
            continue
        try:
            yield parse_jsonl_line(text, line.number, today)
        except RowError as exc:
            yield BadRow(line.number, str(exc))


def read_rows(
    path: Path,
    fmt: Format,
    today: date,
    progress: Progress | None = None,
    known_place: KnownPlace | None = None,
    prefetch: Prefetch | None = None,
) -> Iterator[ParsedRow | BadRow]:
    """Stream a file's rows as drafts or bad rows (a key seen twice makes the later row bad).

    `known_place` lets CSV rows whose place is already resolved be drafted with it at once;
    `prefetch` is handed the place names of each chunk of CSV rows before they are parsed.
    """
    total = path.stat().st_size
    first_line: dict[str, int] = {}
    with path.open("rb") as f:
        lines = physical_lines(f, progress, total)
        rows = (
            _jsonl_rows(lines, today)
            if fmt is Format.JSONL
            else _csv_rows(lines, path, fmt, today, known_place, prefetch)
        )
        for item in rows:
            if isinstance(item, ParsedRow):
                key = item.draft.external_key or ""
                if key in first_line:
                    item = BadRow(item.line, f"same key {key} as line {first_line[key]}")
                else:
                    first_line[key] = item.line
            yield item

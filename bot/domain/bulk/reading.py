"""Reading bulk files: their format, and their rows streamed (a bad line costs only its row)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path

from bot.domain.bulk.acled import REQUIRED_COLUMNS, AcledParser
from bot.domain.bulk.jsonl import parse_jsonl_line
from bot.domain.bulk.lines import Line, Progress, physical_lines
from bot.domain.bulk.records import CsvRecords, field_count
from bot.domain.bulk.types import BadRow, BulkError, KnownPlace, ParsedRow, RowError


class Format(StrEnum):
    """File formats the bulk verbs read and write."""

    ACLED = "acled"
    JSONL = "jsonl"


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


def _header(records: CsvRecords, path: Path) -> list[str]:
    while (record := records.read()) is not None:
        if record.problem is not None:
            raise BulkError(f"{path}: the header row (line {record.line}) is bad: {record.problem}")
        if any(map(str.strip, record.values)):
            return [c.strip().lower() for c in record.values]
    raise BulkError(f"{path} is empty")


def _acled_rows(
    lines: Iterator[Line], path: Path, today: date, known_place: KnownPlace | None
) -> Iterator[ParsedRow | BadRow]:
    records = CsvRecords(lines)
    columns = _header(records, path)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise BulkError(
            f"{path} is not an ACLED CSV: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (needs at least {', '.join(REQUIRED_COLUMNS)})"
        )
    width = len(columns)
    parser = AcledParser(today, known_place)
    for record in records.rows(width):
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
) -> Iterator[ParsedRow | BadRow]:
    """Stream a file's rows as drafts or bad rows (a key seen twice makes the later row bad).

    `known_place` lets ACLED rows whose place is already resolved be drafted with it at once.
    """
    total = path.stat().st_size
    first_line: dict[str, int] = {}
    with path.open("rb") as f:
        lines = physical_lines(f, progress, total)
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

"""Reading bulk files: the checks a whole file must pass, its format, and its rows streamed."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from bot.domain.bulk.acled import REQUIRED_COLUMNS, AcledParser
from bot.domain.bulk.jsonl import parse_jsonl_line
from bot.domain.bulk.types import BadRow, BulkError, KnownPlace, ParsedRow, RowError

CHUNK = 1 << 16

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


class Format(StrEnum):
    """File formats the bulk verbs read and write."""

    ACLED = "acled"
    JSONL = "jsonl"


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

"""CSV records from physical lines, where a broken record costs only its own row.

A quoted field may hold line breaks (legal CSV), but a record that runs past MAX_RECORD_LINES
lines or MAX_RECORD_CHARS characters, is still open at the end of the file, spans lines yet
does not have the header's number of fields, holds a bad line (NUL, not UTF-8, too long) or
is not valid CSV is bad. It is reported on its first line; when its end is in doubt (all but
a bad line), reading starts again on the line after it, at the first line that begins a full
record (the header's number of fields). The lines passed over are named in the bad row.
"""

from __future__ import annotations

import csv
import logging
from collections import deque
from collections.abc import Iterator
from typing import NamedTuple

from bot.domain.bulk.lines import Line
from bot.domain.bulk.types import BadRow

log = logging.getLogger(__name__)

MAX_RECORD_LINES = 50
MAX_RECORD_CHARS = 1 << 20


class _Runaway(Exception):
    """A record has taken more lines or characters than any sane record does."""


class _Feed:
    """Hands physical lines to csv.reader one record at a time; lines can be put back."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self._lines = lines
        self._back: deque[Line] = deque()
        self.taken: list[Line] = []
        self.chars = 0
        self.ran_out = False  # the file ended inside the record

    def start(self) -> None:
        """Begin a new record."""
        self.taken, self.chars, self.ran_out = [], 0, False

    def put_back(self, lines: list[Line]) -> None:
        """Make these lines the next ones read again."""
        self._back.extendleft(reversed(lines))

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.taken and (len(self.taken) >= MAX_RECORD_LINES or self.chars > MAX_RECORD_CHARS):
            raise _Runaway
        if self._back:
            line = self._back.popleft()
        else:
            try:
                line = next(self._lines)
            except StopIteration:
                self.ran_out = bool(self.taken)
                raise
        self.taken.append(line)
        self.chars += len(line.text)
        return line.text


class Record(NamedTuple):
    """A CSV record starting on physical line `line`, or why it is bad (`problem`).

    A `torn` record's end is unknown (an open quote, say): reading resumes on its next line.
    """

    line: int
    values: list[str]
    problem: str | None = None
    torn: bool = False


def field_count(values: list[str], width: int) -> int:
    """How many fields a record has, not counting empty ones past the header's `width`."""
    if len(values) > width and not any(map(str.strip, values[width:])):
        return width
    return len(values)


class CsvRecords:
    """Reads CSV records from physical lines, resynchronising after a broken one."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self._feed = _Feed(lines)
        self._reader = csv.reader(self._feed)

    def _line_problem(self) -> str | None:
        """The first problem of the record's lines (NUL, not UTF-8, too long), if any."""
        taken = self._feed.taken
        for line in taken:
            if line.problem is not None:
                if line is taken[0]:
                    return line.problem
                return f"line {line.number} of the record: {line.problem}"
        return None

    def _torn(self, values: list[str], width: int | None) -> str | None:
        """Why the record's extent cannot be trusted: an open quote at the end, too few fields."""
        feed = self._feed
        if feed.ran_out:
            return "a quoted field is still open at the end of the file (an unterminated quote?)"
        last = feed.taken[-1].number
        if width is not None and last > feed.taken[0].number:
            count = field_count(values, width)
            if count != width:
                return (
                    f"a quoted field runs on to line {last} and the record has {count} fields, "
                    f"not {width} (an unterminated quote?)"
                )
        return None

    def read(self, width: int | None = None) -> Record | None:
        """The next record, None at the end; a torn one gives back all but its first line.

        With `width`, a record spanning lines must have that many fields.
        """
        feed = self._feed
        feed.start()
        values: list[str] = []
        problem: str | None = None
        try:
            values = next(self._reader)
        except StopIteration:
            if not feed.taken:
                return None
        except _Runaway:
            problem = (
                f"a quoted field runs past {MAX_RECORD_LINES} lines or {MAX_RECORD_CHARS} "
                "characters (an unterminated quote?)"
            )
        except csv.Error as exc:
            problem = f"not valid CSV ({exc})"
        taken = feed.taken
        if problem is None and len(taken) == 1 and taken[0].problem is None and not feed.ran_out:
            return Record(taken[0].number, values)  # the usual case, quickly
        torn = problem or self._torn(values, width)
        if torn is not None:
            feed.put_back(taken[1:])
            return Record(taken[0].number, values, torn, torn=True)
        return Record(taken[0].number, values, self._line_problem())

    def rows(self, width: int) -> Iterator[Record | BadRow]:
        """Non-blank records after the header as Records, broken ones as BadRows."""
        broken: Record | None = None
        skipped_to = 0
        while (record := self.read(width)) is not None:
            if broken is not None:
                if record.torn or field_count(record.values, width) != width:
                    skipped_to = record.line
                    continue
                yield _bad(broken, skipped_to)
                broken = None
            if record.torn:
                broken, skipped_to = record, record.line
            elif record.problem is not None:
                yield BadRow(record.line, record.problem)
            elif any(map(str.strip, record.values)):
                yield record
        if broken is not None:
            yield _bad(broken, skipped_to)


def _bad(record: Record, skipped_to: int) -> BadRow:
    reason = record.problem or "broken record"
    if skipped_to > record.line:
        first = record.line + 1
        lines = f"line {first}" if first == skipped_to else f"lines {first}-{skipped_to}"
        reason += f"; {lines} skipped with it (no full row starts there)"
    log.debug("line %d: %s", record.line, reason)
    return BadRow(record.line, reason)

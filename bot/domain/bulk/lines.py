"""A bulk file's physical lines, read as bytes and decoded one by one, and the whole-file check.

A NUL byte, bytes that are not UTF-8 or a line over MAX_LINE_BYTES cost only the line they are
on (its `problem` says why); only a file that is mostly not text, or mostly not UTF-8, is
refused whole.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from bot.domain.bulk.types import BulkError

log = logging.getLogger(__name__)

CHUNK = 1 << 16
MAX_LINE_BYTES = 1 << 20  # a longer line is one bad row, read past without being kept
# C0 control bytes other than tab, LF, VT, FF and CR, and DEL: never in CSV or JSONL text.
CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
BINARY_SHARE = 0.25  # of the bytes being controls or not UTF-8: the file is binary
BOM = "\ufeff"

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


class Line(NamedTuple):
    """One physical line (1-based number), decoded; `problem` says why it cannot be a row."""

    number: int
    text: str
    problem: str | None = None


def _decoded(number: int, raw: bytes) -> Line:
    problem = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", errors="replace")
        problem = f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start + 1})"
    if "\0" in text:
        text = text.replace("\0", "")
        problem = problem or "contains a NUL byte"
    if number == 1:
        text = text.removeprefix(BOM)
    return Line(number, text, problem)


def _raw_lines(handle: BinaryIO) -> Iterator[tuple[bytes, int]]:
    """(bytes, size) per physical line; a line over MAX_LINE_BYTES comes as (b"", size)."""
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            size = len(raw)
            while (more := handle.readline(CHUNK)) and not more.endswith(b"\n"):
                size += len(more)
            yield b"", size + len(more)
        elif b"\r" in raw:  # a lone CR ends a line too (as in text mode with newline="")
            for part in raw.splitlines(keepends=True):
                yield part, len(part)
        else:
            yield raw, len(raw)


def physical_lines(
    handle: BinaryIO, progress: Progress | None = None, total: int = 0
) -> Iterator[Line]:
    """The lines of a file opened in binary mode, each decoded on its own, numbered from 1."""
    done, next_report = 0, 0
    for number, (raw, size) in enumerate(_raw_lines(handle), start=1):
        done += size
        if progress is not None and done >= next_report:
            progress(min(done, total), total)
            next_report = done + max(total // 200, CHUNK)
        if size > MAX_LINE_BYTES:
            megabytes = MAX_LINE_BYTES >> 20
            yield Line(number, "\n", f"the line is longer than {megabytes} MB ({size} bytes)")
        else:
            yield _decoded(number, raw)
    if progress is not None:
        progress(total, total)


@dataclass
class _Scan:
    """What a byte-by-byte look at a file found."""

    size: int = 0
    odd_bytes: int = 0  # control bytes and bytes that are not UTF-8
    lines: int = 0  # lines with text
    bad_lines: int = 0  # lines that are not UTF-8
    first_bad: str = ""  # where the first bad UTF-8 is
    text: bool = False


def _scan(handle: BinaryIO) -> _Scan:
    """Counts a file's odd bytes and its lines that are not UTF-8, a piece at a time."""
    scan = _Scan()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    number, line_bad, line_text = 1, False, False
    while piece := handle.readline(CHUNK):
        text = decoder.decode(piece)
        bad = text.count("\ufffd")
        scan.size += len(piece)
        scan.odd_bytes += bad + len(piece) - len(piece.translate(None, CONTROL_BYTES))
        if bad and not scan.first_bad:
            scan.first_bad = f"line {number}"
        line_bad = line_bad or bool(bad)
        line_text = line_text or bool(text.replace(BOM, "").strip())
        if piece.endswith(b"\n"):
            scan.lines += line_text
            scan.bad_lines += line_bad
            number, line_bad, line_text = number + 1, False, False
    tail = decoder.decode(b"", final=True)
    scan.odd_bytes += tail.count("\ufffd")
    scan.lines += line_text
    scan.bad_lines += line_bad or bool(tail)
    scan.text = scan.lines > 0
    return scan


def _clean(handle: BinaryIO) -> tuple[bool, bool]:
    """(whether the file is UTF-8 with no NUL, whether it holds any text), read in chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen_text = False
    try:
        while chunk := handle.read(CHUNK):
            if b"\0" in chunk:
                return False, seen_text
            text = decoder.decode(chunk)
            seen_text = seen_text or bool(text.replace(BOM, "").strip())
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False, seen_text
    return True, seen_text


def check_file(path: Path) -> None:
    """Refuse files that are missing, empty, binary or mostly not UTF-8 (one clear message).

    A file with a few bad lines (NUL bytes, bytes that are not UTF-8) passes: those lines
    are bad rows.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise BulkError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        clean, seen_text = _clean(handle)
        if clean:
            if not seen_text:
                raise BulkError(f"{path} is empty")
            return
        handle.seek(0)
        scan = _scan(handle)
    if scan.odd_bytes > BINARY_SHARE * scan.size:
        raise BulkError(f"{path} looks like a binary file, not CSV or JSONL text")
    if not scan.text:
        raise BulkError(f"{path} is empty")
    if scan.bad_lines * 2 >= scan.lines:
        raise BulkError(
            f"{path} is not UTF-8 text ({scan.bad_lines} of {scan.lines} lines are not, "
            f"the first on {scan.first_bad}); save it as UTF-8 and try again"
        )
    log.info("%s: %d of %d lines are not UTF-8 text", path, scan.bad_lines, scan.lines)

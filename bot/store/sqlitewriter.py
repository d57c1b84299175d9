"""A child process that stores bulk-import batches in a SQLite file while the importer parses.

Python runs one thread at a time (the GIL), and SQLite's driver takes it for every row it binds,
so an import that parses the next batch in one thread while another stores the last gets no
overlap. A second process does: the importer hands each batch over as plain tuples (marshal,
through a pipe) and goes on parsing; the child stores the batch in one transaction and answers
with the first event id it gave.

The child knows no schema: it runs the statements it is sent. One batch is:
``BEGIN IMMEDIATE``; ids from ``max(id) + 1``; the FTS5 insert trigger dropped; events
inserted; the batch indexed with one ``INSERT … SELECT``; the trigger created again from its
own SQL; sources inserted (their event ids offset by the first id); ``COMMIT``. Any error rolls
the batch back and is answered, so nothing of a failed batch is stored.

Run as ``python -m bot.store.sqlitewriter DATABASE_FILE`` (only by :class:`WriterProcess`).
"""

from __future__ import annotations

import asyncio
import contextlib
import marshal
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

HEADER = struct.Struct("!Q")
CACHE_KIB = 32 * 1024  # the child's page cache: a batch's index pages stay in memory
CHECKPOINT_PAGES = 10_000


@dataclass(frozen=True, slots=True)
class Batch:
    """One batch: statements and rows without ids (the child numbers them)."""

    events_sql: str  # INSERT INTO events (id, …) VALUES (?, …): rows lack the leading id
    events: Sequence[tuple[Any, ...]]
    sources_sql: str  # INSERT INTO sources (event_id, …): event_id is the row's batch index
    sources: Sequence[tuple[Any, ...]]
    trigger: str  # the FTS5 insert trigger to drop and recreate
    index_sql: str  # indexes events with id >= ? in one statement

    def pack(self) -> bytes:
        """The batch as one length-prefixed message."""
        body = marshal.dumps(
            (
                self.events_sql,
                list(self.events),
                self.sources_sql,
                list(self.sources),
                self.trigger,
                self.index_sql,
            )
        )
        return HEADER.pack(len(body)) + body


class WriterError(Exception):
    """The child could not store a batch (nothing of it was stored); `kind` names the error."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind


def _read_message(stream: IO[bytes]) -> Any:
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return marshal.loads(body)


def _write_message(stream: IO[bytes], value: Any) -> None:
    body = marshal.dumps(value)
    stream.write(HEADER.pack(len(body)) + body)
    stream.flush()


class WriterProcess:
    """The importer's side: start the child, hand it batches, collect the first ids."""

    def __init__(self, database: str) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bot.store.sqlitewriter", database],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._reply: asyncio.Task[int] | None = None

    def submit(self, batch: Batch) -> asyncio.Task[int]:
        """Send a batch (the child is idle: the previous reply was collected); its first id."""
        if self._reply is not None and not self._reply.done():
            raise RuntimeError("the previous batch has not been answered yet")
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            stdin.write(batch.pack())
            stdin.flush()
        except OSError as exc:  # the child is gone
            raise WriterError("BrokenPipe", f"the writer process ended ({exc})") from None
        self._reply = asyncio.ensure_future(asyncio.to_thread(self._answer))
        return self._reply

    def _answer(self) -> int:
        assert self._proc.stdout is not None
        reply = _read_message(self._proc.stdout)
        if reply is None:
            raise WriterError("EOF", "the writer process ended without answering")
        if reply[0] == "ok":
            return int(reply[1])
        raise WriterError(str(reply[1]), str(reply[2]))

    async def close(self) -> None:
        """Let the child finish (an unanswered batch is still answered) and exit."""
        if self._reply is not None:
            await asyncio.gather(self._reply, return_exceptions=True)
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            await asyncio.to_thread(self._proc.wait, 30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            await asyncio.to_thread(self._proc.wait)
        if self._proc.stdout is not None:
            self._proc.stdout.close()


def _store(conn: sqlite3.Connection, message: tuple[Any, ...]) -> int:
    events_sql, events, sources_sql, sources, trigger, index_sql = message
    conn.execute("BEGIN IMMEDIATE")
    try:
        first = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM events").fetchone()[0])
        found = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
        ).fetchone()
        if found is not None:
            conn.execute(f'DROP TRIGGER "{trigger}"')
        conn.executemany(events_sql, ((first + i, *row) for i, row in enumerate(events)))
        if found is not None:
            conn.execute(index_sql, (first,))
            conn.execute(found[0])
        conn.executemany(sources_sql, ((first + row[0], *row[1:]) for row in sources))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return first


def main(argv: Sequence[str]) -> int:
    """Serve batches from stdin until it closes."""
    conn = sqlite3.connect(argv[0], isolation_level=None, timeout=30)
    for pragma in (
        "foreign_keys=ON",
        "busy_timeout=30000",
        "journal_mode=WAL",
        "synchronous=NORMAL",
        f"cache_size=-{CACHE_KIB}",
        # Fold the WAL back into the file every ~40 MB instead of every 4 MB: a page that
        # batch after batch changes (index pages) is copied back far fewer times.
        f"wal_autocheckpoint={CHECKPOINT_PAGES}",
    ):
        conn.execute(f"PRAGMA {pragma}")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (message := _read_message(stdin)) is not None:
        try:
            first = _store(conn, message)
        except sqlite3.Error as exc:
            _write_message(stdout, ("error", type(exc).__name__, str(exc)))
        else:
            _write_message(stdout, ("ok", first))
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

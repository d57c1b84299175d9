"""Fast multi-row inserts for bulk loads: values converted once, executemany on the driver.

SQLAlchemy's executemany runs every parameter through its bind processing one dict at a time;
for a bulk import that costs as much as SQLite itself. A RowWriter compiles the INSERT once and
applies each column's own bind processor (the dialect's, so values are stored exactly as the
ORM would store them) to plain tuples, then hands them to the driver's executemany.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

Processor = Callable[[Any], Any]

# Host parameters one SQLite statement may take (SQLITE_MAX_VARIABLE_NUMBER's default).
MAX_PARAMS = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
MAX_ROWS = 1_000


class RowWriter:
    """An INSERT of some columns of a table, for many rows at once (qmark drivers: SQLite)."""

    def __init__(self, table: Table, columns: Sequence[str], dialect: Dialect) -> None:
        if dialect.paramstyle != "qmark":
            raise ValueError(f"RowWriter needs a qmark driver, not {dialect.paramstyle}")
        self.columns = tuple(columns)
        quote = dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in self.columns)
        self._head = f"INSERT INTO {quote(table.name)} ({names}) VALUES "
        self._row_marks = "(" + ", ".join("?" for _ in self.columns) + ")"
        self.chunk = max(1, min(MAX_ROWS, MAX_PARAMS // len(self.columns)))
        procs: list[tuple[int, Processor]] = []
        for i, name in enumerate(self.columns):
            type_ = table.c[name].type
            proc = type_.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None:
                procs.append((i, proc))
        self._procs = procs
        self._pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            itemgetter(*self.columns)
            if len(self.columns) > 1
            else lambda row: (row[self.columns[0]],)
        )

    def values(self, rows: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """The rows' parameters, in column order, converted as SQLAlchemy would bind them.

        Converted column by column; a bulk load repeats values (dates, the batch's timestamp),
        so each column converts every distinct value once.
        """
        picked: list[tuple[Any, ...]] = list(map(self._pick, rows))
        if not picked or not self._procs:
            return picked
        columns: list[Sequence[Any]] = list(zip(*picked, strict=True))
        for i, proc in self._procs:
            memo: dict[Any, Any] = {None: None}
            for value in set(columns[i]):
                if value not in memo:
                    memo[value] = proc(value)
            columns[i] = [memo[v] for v in columns[i]]
        return list(zip(*columns, strict=True))

    def sql(self, rows: int) -> str:
        """The INSERT of `rows` rows in one multi-row VALUES statement."""
        return self._head + ", ".join(self._row_marks for _ in range(rows))

    async def insert(self, conn: AsyncConnection, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert the rows; how many were given.

        Rows go in multi-row statements of `chunk` rows, all full ones in one executemany: the
        driver binds a chunk and SQLite then inserts it without holding Python's GIL, so a
        caller can go on working (parsing the next rows) in the meantime.
        """
        params = self.values(rows)
        size = self.chunk
        full, rest = divmod(len(params), size)
        if full:
            chunks = [
                tuple(chain.from_iterable(params[i : i + size]))
                for i in range(0, full * size, size)
            ]
            await conn.exec_driver_sql(self.sql(size), chunks)
        if rest:
            await conn.exec_driver_sql(
                self.sql(rest), tuple(chain.from_iterable(params[full * size :]))
            )
        return len(params)

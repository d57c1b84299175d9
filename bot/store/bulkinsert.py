"""Fast bulk inserts: values converted once per distinct value, handed to the driver's
executemany (SQLite) or COPY (PostgreSQL, bot.store.pgcopy).

SQLAlchemy's executemany runs every parameter through its bind processing one dict at a time;
for a bulk import that costs as much as SQLite itself. A RowWriter compiles the INSERT once and
applies each column's own bind processor (the dialect's, so values are stored exactly as the
ORM would store them) to plain tuples, then hands them to the driver's executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

Processor = Callable[[Any], Any]


class ColumnValues:
    """Rows of some columns of a table as tuples, converted as SQLAlchemy would bind them on
    this dialect (each column's own bind processor), for a driver's bulk calls."""

    def __init__(self, table: Table, columns: Sequence[str], dialect: Dialect) -> None:
        self.columns = tuple(columns)
        procs: list[tuple[int, Processor]] = []
        for i, name in enumerate(self.columns):
            type_ = table.c[name].type
            proc = type_.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None:
                procs.append((i, proc))
        self._procs = procs
        self.processors: dict[str, Processor] = {self.columns[i]: p for i, p in procs}
        self._pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            itemgetter(*self.columns)
            if len(self.columns) > 1
            else lambda row: (row[self.columns[0]],)
        )

    def values(self, rows: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """The rows' parameters, in column order, converted as SQLAlchemy would bind them.

        A bulk load repeats values (dates, the batch's timestamp), so each column converts
        every distinct value once, column by column.
        """
        return self.converted(list(map(self._pick, rows)))

    def converted(self, picked: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Rows already as tuples in column order, converted as SQLAlchemy would bind them."""
        if not picked or not self._procs:
            return picked
        columns = list(zip(*picked, strict=True))
        for i, proc in self._procs:
            memo = self._memo(proc, set(columns[i]))
            columns[i] = tuple(map(memo.__getitem__, columns[i]))
        return list(zip(*columns, strict=True))

    @staticmethod
    def _memo(proc: Processor, distinct: set[Any]) -> dict[Any, Any]:
        memo = {v: proc(v) for v in distinct if v is not None}
        memo[None] = None
        return memo


class RowWriter(ColumnValues):
    """An INSERT of some columns of a table, for many rows at once (qmark drivers: SQLite)."""

    def __init__(
        self,
        table: Table,
        columns: Sequence[str],
        dialect: Dialect,
        *,
        numbered: str | None = None,
    ) -> None:
        """`numbered`: a column first in the SQL but not in `values` (whoever runs the
        statement puts it in front of each row, e.g. ids given out by a writer process)."""
        if dialect.paramstyle != "qmark":
            raise ValueError(f"RowWriter needs a qmark driver, not {dialect.paramstyle}")
        super().__init__(table, columns, dialect)
        quote = dialect.identifier_preparer.quote
        in_sql = ((numbered,) if numbered else ()) + self.columns
        names = ", ".join(quote(c) for c in in_sql)
        marks = ", ".join("?" for _ in in_sql)
        self.sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"

    async def insert(self, conn: AsyncConnection, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert the rows with one executemany; how many were given."""
        params = self.values(rows)
        if params:
            await conn.exec_driver_sql(self.sql, params)
        return len(params)

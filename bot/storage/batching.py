"""Group commit: UPDATEs by primary key from many people at once, written in one transaction.

Each caller waits until the transaction holding its change has committed, so whatever it does
next (answering the person) happens after the change is on disk, exactly as with a transaction
of its own. What is saved is the cost: while one transaction is being written, the changes that
arrive meanwhile gather, and go together in the next one, one `executemany` per table and set of
columns. On SQLite (aiosqlite runs each call in its own thread) that is a few thread hops per
batch instead of per change; on PostgreSQL a few round trips.

One batch failing (the database locked for too long) fails every change in it; each caller
then answers as it would for its own failed transaction.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy.ext.asyncio import AsyncEngine

MAX_BATCH = 500  # changes in one transaction at most


@dataclass
class _Change:
    table: Table
    key: Any
    values: dict[str, Any]


@dataclass
class _Pending:
    changes: list[_Change]
    done: asyncio.Future[None] = field(repr=False)


class BatchedUpdates:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._waiting: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None
        self._statements: dict[tuple[str, tuple[str, ...]], Any] = {}

    async def write(self, *changes: tuple[Table, Any, dict[str, Any]]) -> None:
        """Update each (table, primary key, {column: value}); return once committed."""
        pending = _Pending([_Change(table, key, values) for table, key, values in changes
                            if values], asyncio.get_running_loop().create_future())
        if not pending.changes:
            return
        self._waiting.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await asyncio.shield(pending.done)  # a caller that gives up does not undo the batch

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                await self._commit(batch)
            except Exception as error:  # every caller hears of it and answers accordingly
                for pending in batch:
                    if not pending.done.done():
                        pending.done.set_exception(error)
            else:
                for pending in batch:
                    if not pending.done.done():
                        pending.done.set_result(None)

    async def _commit(self, batch: list[_Pending]) -> None:
        groups: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
        tables: dict[str, Table] = {}
        for pending in batch:
            for change in pending.changes:
                columns = tuple(sorted(change.values))
                tables[change.table.name] = change.table
                groups[(change.table.name, columns)].append(
                    {"b_key": change.key, **{f"b_{name}": value
                                             for name, value in change.values.items()}})
        async with self._engine.begin() as connection:
            for (name, columns), rows in groups.items():
                await connection.execute(self._statement(tables[name], columns), rows)

    def _statement(self, table: Table, columns: tuple[str, ...]):
        """UPDATE table SET each column = :b_column WHERE its primary key = :b_key, built once
        per table and set of columns."""
        statement = self._statements.get((table.name, columns))
        if statement is None:
            (key_column,) = table.primary_key.columns
            statement = update(table).where(key_column == bindparam("b_key")).values(
                {name: bindparam(f"b_{name}", type_=table.c[name].type) for name in columns})
            self._statements[(table.name, columns)] = statement
        return statement

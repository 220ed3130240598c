"""The simulated operator's ledger writer (``kook.sandbox.operator_sim``): new top-ups go into ``sim_topups`` by
group commit — one writer task per event loop, one ``INSERT … ON CONFLICT (reference) DO NOTHING`` per batch,
each caller answered after it committed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables.catalog import sim_topups

# Rows per group commit: ten columns each stays far below SQLite's bound-parameter limit.
_BATCH: Final = 500

Answer = tuple[bool, dict[str, Any]]  # (this caller's row was inserted, the row stored for its reference)


@dataclass(eq=False)
class _Queued:
    row: dict[str, Any]
    answer: asyncio.Future[Answer]


class GroupCommit:
    """One writer task on one event loop: each turn writes everything queued (up to ``_BATCH`` rows)
    in one statement, then answers its callers. While a batch is written the next one gathers, so the
    batches grow with the load and a top-up costs a share of one write instead of a session of its own."""

    def __init__(self, factory: async_sessionmaker[AsyncSession], loop: asyncio.AbstractEventLoop) -> None:
        self._factory = factory
        self._loop = loop
        self._queue: list[_Queued] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._sqlite = factory().get_bind().dialect.name == "sqlite"  # a session that never connects: just asked
        # PostgreSQL: one connection kept in autocommit — the single INSERT commits on its own, so a batch
        # is one round trip without a pool checkout, BEGIN and COMMIT (most of a small batch's cost)
        self._held: tuple[AsyncSession, AsyncConnection] | None = None
        self._task = loop.create_task(self._run(), name="operator-sim-writer")

    @property
    def running(self) -> bool:
        return not self._stopping and not self._task.done()

    async def insert(self, row: dict[str, Any]) -> Answer:
        answer: asyncio.Future[Answer] = self._loop.create_future()
        self._queue.append(_Queued(row, answer))
        self._wake.set()
        return await answer

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def close(self) -> None:
        self.stop()
        await asyncio.wait([self._task])  # its end, however it ended

    async def _run(self) -> None:
        batch: list[_Queued] = []
        try:
            while True:
                if not self._queue:
                    if self._stopping:
                        return
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                batch, self._queue = self._queue[:_BATCH], self._queue[_BATCH:]
                answers: list[Answer | Exception]
                try:
                    answers = await self._write([queued.row for queued in batch])
                except Exception as exc:  # nothing of this batch is known to be stored: its callers fail (500)
                    answers = [exc] * len(batch)
                for queued, answer in zip(batch, answers, strict=True):
                    if queued.answer.done():  # its caller went away; the row stays written
                        continue
                    if isinstance(answer, Exception):
                        queued.answer.set_exception(answer)
                    else:
                        queued.answer.set_result(answer)
                batch = []
        finally:  # stopped, or cancelled with its loop: whoever still waits is told so rather than left hanging
            for queued in (*batch, *self._queue):
                queued.answer.cancel()
            self._queue = []
            await self._release()

    async def _write(self, rows: Sequence[dict[str, Any]]) -> list[Answer | Exception]:
        first: dict[str, dict[str, Any]] = {}
        for row in rows:  # a reference twice in one batch: the later one replays the first
            first.setdefault(row["reference"], row)
        if self._sqlite:
            # SQLite: a transaction per batch (BEGIN IMMEDIATE takes the write lock up front)
            async with self._factory() as db, db.begin():
                inserted, stored = await _insert_new_sqlite(await db.connection(), list(first.values()))
        else:
            inserted, stored = await self._insert_on_kept_connection(list(first.values()))
        answers: list[Answer | Exception] = []
        for row in rows:
            reference = row["reference"]
            if reference in inserted:
                answers.append((first[reference] is row, first[reference]))
            elif reference in stored:
                answers.append((False, stored[reference]))
            else:  # pragma: no cover - not inserted means the unique key found the row
                answers.append(RuntimeError(f"sim_topups: {reference} neither inserted nor found"))
        return answers

    async def _insert_on_kept_connection(
        self, rows: list[dict[str, Any]]
    ) -> tuple[set[str], dict[str, dict[str, Any]]]:
        columns = _columns(rows)
        try:
            return await _insert_new_postgresql(await self._connection(), columns, rows)
        except Exception as exc:
            await self._release()  # whatever failed, the next batch takes a fresh connection
            if not (isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated):
                raise
        # the kept connection died while idle (there is no pre-ping): once more on a fresh one. Safe whatever
        # the first attempt did — a row it committed is found by its reference and answered as stored.
        try:
            return await _insert_new_postgresql(await self._connection(), columns, rows)
        except Exception:
            await self._release()
            raise

    async def _connection(self) -> AsyncConnection:
        if self._held is None:
            db = self._factory()
            try:
                connection = await db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            except BaseException:
                await db.close()
                raise
            self._held = (db, connection)
        return self._held[1]

    async def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(Exception):
                await held[0].close()


# SQLite: executemany with RETURNING is sent as one multi-row INSERT ("insertmanyvalues"), compiled once
_INSERT_NEW_SQLITE: Final = (
    sqlite.insert(sim_topups)
    .on_conflict_do_nothing(index_elements=[sim_topups.c.reference])
    .returning(sim_topups.c.reference)
)

# PostgreSQL: one statement text for every batch size, so asyncpg prepares it once per connection and sends
# ten arrays (encoded by its codecs) instead of a multi-VALUES text per size with every row bound one by one
_INSERT_NEW_POSTGRESQL: Final = (
    "INSERT INTO sim_topups"
    " (reference, mobile, operator_code, product, amount, status, code, provider_ref, applied_at, created_at)"
    " SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[],"
    " $6::varchar[], $7::varchar[], $8::varchar[], $9::timestamptz[], $10::timestamptz[])"
    " ON CONFLICT (reference) DO NOTHING RETURNING reference"
)

Columns = tuple[list[Any], ...]  # one list per column, in the order of the INSERT's column list


def _columns(rows: Sequence[dict[str, Any]]) -> Columns:
    """The rows as one list per column; times in UTC, as ``UtcDateTime`` binds them (a naive one is refused)."""
    return (
        [row["reference"] for row in rows],
        [row["mobile"] for row in rows],
        [row["operator_code"] for row in rows],
        [row["product"] for row in rows],
        [row["amount"] for row in rows],
        [row["status"] for row in rows],
        [row["code"] for row in rows],
        [row["provider_ref"] for row in rows],
        [_utc(row["applied_at"]) for row in rows],
        [_utc(row["created_at"]) for row in rows],
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the database")
    return moment.astimezone(UTC)


async def _insert_new_sqlite(
    connection: AsyncConnection, rows: list[dict[str, Any]]
) -> tuple[set[str], dict[str, dict[str, Any]]]:
    """Insert the rows whose reference is new, in one statement; the others answer their stored row."""
    inserted = set((await connection.execute(_INSERT_NEW_SQLITE, rows)).scalars())
    return inserted, await _known(connection, rows, inserted)


async def _insert_new_postgresql(
    connection: AsyncConnection, columns: Columns, rows: list[dict[str, Any]]
) -> tuple[set[str], dict[str, dict[str, Any]]]:
    """As ``_insert_new_sqlite``, with the rows given as ``_columns(rows)``: one prepared statement for any size."""
    inserted = set((await connection.exec_driver_sql(_INSERT_NEW_POSTGRESQL, columns)).scalars())
    return inserted, await _known(connection, rows, inserted)


async def _known(
    connection: AsyncConnection, rows: list[dict[str, Any]], inserted: set[str]
) -> dict[str, dict[str, Any]]:
    """The stored rows of the references that were not inserted: the unique key found them already there."""
    known = [row["reference"] for row in rows if row["reference"] not in inserted]
    if not known:
        return {}
    t = sim_topups
    found = await connection.execute(sa.select(t).where(t.c.reference.in_(known)))
    return {r["reference"]: dict(r) for r in found.mappings()}

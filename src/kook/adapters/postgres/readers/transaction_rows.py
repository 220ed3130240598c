"""ریز تراکنش's rows for an export, read inside the worker thread that writes them.

An export of a million rows is mostly openpyxl's CPU; reading on the event loop while another thread
writes made the two share the GIL (a thread waking for every network read waits for the other's time
slice) and built a SQLAlchemy ``Row`` and a ``TransactionRow`` per line. Here the writer's own thread
reads: on PostgreSQL a connection of its own (asyncpg, driven by a private event loop in that thread),
one statement in one read-only REPEATABLE READ transaction (one snapshot for the whole file), fetched
through a server-side cursor in batches of asyncpg records, the next batch asked for before the
current one is written (PostgreSQL finds it while openpyxl works). On SQLite a plain synchronous
connection (pysqlite) streams the same statement. Rows come as sequences in ``EXPORT_COLUMNS`` order,
and only the columns the workbook shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from kook.adapters.postgres.readers.transactions import _AMOUNT, _where
from kook.adapters.postgres.tables import requests as t
from kook.application.reporting.ports import TransactionFilter

L = t.request_lines.c
R = t.requests.c
# options of SQLAlchemy's asyncpg dialect in the URL's query, not asyncpg.connect's
_SQLALCHEMY_OPTIONS: Final = ("prepared_statement_cache_size", "prepared_statement_name_func", "async_fallback")
EXPORT_COLUMNS: Final = (
    "sent_at",
    "request_name",
    "mobile",
    "operator",
    "product",
    "package_title",
    "amount",
    "status",
    "provider_ref",
    "reference",
)


def export_query(filter: TransactionFilter) -> Any:
    """Every row of ``filter``, newest first (the pages' order), in ``EXPORT_COLUMNS`` order."""
    return (
        sa.select(
            L.sent_at,
            R.name,
            L.mobile,
            L.operator,
            L.product,
            L.package_title,
            _AMOUNT,
            L.status,
            L.provider_ref,
            L.reference,
        )
        .select_from(t.request_lines.join(t.requests, R.id == L.request_id))
        .where(*_where(filter))
        .order_by(L.sent_at.desc(), L.id.desc())
    )


class ThreadTransactionRows:
    """``batches`` is a plain (blocking) generator: iterate it in a worker thread, never on the event loop."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._url = engine.url
        self._dialect = engine.dialect

    def batches(self, filter: TransactionFilter, size: int) -> Generator[Sequence[Sequence[Any]], None, None]:
        if self._dialect.name == "postgresql":
            return self._postgres(filter, size)
        return self._sqlite(filter, size)

    def _postgres(self, filter: TransactionFilter, size: int) -> Generator[Sequence[Sequence[Any]], None, None]:
        import asyncpg

        compiled = export_query(filter).compile(dialect=self._dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        args = [params[name] for name in compiled.positiontup or ()]
        _, connect_kwargs = self._dialect.create_connect_args(self._url)
        for option in _SQLALCHEMY_OPTIONS:
            connect_kwargs.pop(option, None)
        loop = asyncio.new_event_loop()
        run = loop.run_until_complete
        asked: asyncio.Task[Any] | None = None
        try:
            connection = run(asyncpg.connect(**connect_kwargs))
            try:
                run(connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))  # one snapshot
                cursor = run(connection.cursor(str(compiled), *args))
                asked = loop.create_task(cursor.fetch(size))
                while True:
                    batch = run(asked)
                    asked = None
                    if len(batch) == size:
                        # ask for the next batch before handing this one over: the request goes out on this
                        # step of the loop, and PostgreSQL finds the rows while the caller writes these
                        asked = loop.create_task(cursor.fetch(size))
                        run(asyncio.sleep(0))
                    if batch:
                        yield batch
                    if asked is None:
                        break
                run(connection.execute("ROLLBACK"))
            finally:
                if asked is not None:  # the caller stopped early (its own error): drop the connection
                    asked.cancel()
                    connection.terminate()
                else:
                    run(connection.close(timeout=5))
        finally:
            loop.close()

    def _sqlite(self, filter: TransactionFilter, size: int) -> Generator[Sequence[Sequence[Any]], None, None]:
        engine = sa.create_engine(self._url.set(drivername="sqlite"), poolclass=NullPool, connect_args={"timeout": 30})
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA busy_timeout=30000")
                result = connection.execution_options(yield_per=size).execute(export_query(filter))
                yield from result.partitions(size)
        finally:
            engine.dispose()

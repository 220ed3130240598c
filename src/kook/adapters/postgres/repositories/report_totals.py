"""Folds report_line_deltas (appended by the trigger of migration 0015) into report_line_totals.

PostgreSQL: one statement deletes the deltas and upserts their sums (the customer's rows and the
all-customers '*' rows), keys in order — what it folds is exactly what it deleted, whatever commits
meanwhile, and two folds at once never deadlock. SQLite: the upsert takes the single writer's lock,
so deleting every delta after it in the same transaction deletes exactly what was summed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.application.reporting.ports import TransactionTotalsFolder

_UPSERT = (
    "INSERT INTO report_line_totals (customer_id, day, status, operator, product, package_code, lines, amount) "
    "SELECT customer_id, day, status, operator, product, package_code, sum(lines), sum(amount) FROM keyed "
    "WHERE true GROUP BY customer_id, day, status, operator, product, package_code "
    "ORDER BY customer_id, day, status, operator, product, package_code "
    "ON CONFLICT (customer_id, day, status, operator, product, package_code) DO UPDATE SET "
    "lines = report_line_totals.lines + excluded.lines, amount = report_line_totals.amount + excluded.amount"
)
_PG = (
    "WITH moved AS (DELETE FROM report_line_deltas "  # noqa: S608 (constant text)
    "RETURNING customer_id, day, status, operator, product, package_code, lines, amount), "
    "keyed AS (SELECT customer_id, day, status, operator, product, package_code, lines, amount FROM moved "
    "UNION ALL SELECT '*', day, status, operator, product, package_code, lines, amount FROM moved), "
    "folded AS (" + _UPSERT + ") SELECT count(*) FROM moved"
)
_SQLITE = (
    "WITH keyed AS (SELECT customer_id, day, status, operator, product, package_code, lines, amount "  # noqa: S608 (constant text)
    "FROM report_line_deltas UNION ALL "
    "SELECT '*', day, status, operator, product, package_code, lines, amount FROM report_line_deltas) " + _UPSERT
)


class SqlTransactionTotalsFolder(TransactionTotalsFolder):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def fold(self) -> int:
        async with self._factory() as session, session.begin():
            if (await session.connection()).dialect.name == "postgresql":
                return int((await session.execute(sa.text(_PG))).scalar_one())
            await session.execute(sa.text(_SQLITE))
            deleted = await session.execute(sa.text("DELETE FROM report_line_deltas"))
            return int(deleted.rowcount or 0)  # type: ignore[attr-defined]

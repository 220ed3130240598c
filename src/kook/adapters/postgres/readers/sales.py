"""خلاصه سر جمع فروش in SQL: the period's sent lines summed per (product, package, operator), one query.

The where clause is ریز تراکنش's (``sent_at IS NOT NULL`` …) so migration 0010's partial indexes serve it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.readers.transactions import _AMOUNT, _where
from kook.adapters.postgres.tables import requests as t
from kook.application.reporting.ports import SalesCell, SalesFilter, SalesReader, TransactionFilter

L = t.request_lines.c


def _sum_when(condition: sa.ColumnElement[bool], value: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


class SqlSalesReader(SalesReader):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def cells(self, filter: SalesFilter) -> list[SalesCell]:
        where = _where(TransactionFilter(customer_id=filter.customer_id, start=filter.start, end=filter.end))
        succeeded = L.status == "succeeded"
        failed = L.status == "failed"
        pending = L.status.in_(("sending", "unknown"))
        one = sa.literal(1)
        query = (
            sa.select(
                L.product,
                L.package_code,
                sa.func.max(L.package_title),
                L.operator,
                _sum_when(succeeded, one),
                _sum_when(succeeded, _AMOUNT),
                _sum_when(failed, one),
                _sum_when(failed, _AMOUNT),
                _sum_when(pending, one),
                _sum_when(pending, _AMOUNT),
            )
            .where(*where)
            .group_by(L.product, L.package_code, L.operator)
        )
        async with self._factory() as session:
            rows = (await session.execute(query)).all()
        return [
            SalesCell(
                product=r[0],
                package_code=r[1],
                package_title=r[2],
                operator=r[3],
                count=int(r[4]),
                amount=int(r[5]),
                failed_count=int(r[6]),
                failed_amount=int(r[7]),
                pending_count=int(r[8]),
                pending_amount=int(r[9]),
            )
            for r in rows
        ]

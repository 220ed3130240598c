"""ریز تراکنش in SQL: keyset pages over (sent_at, id), never OFFSET, and the filter's totals.

Every query carries ``sent_at IS NOT NULL`` so the partial indexes of migration
0010 serve it: (customer_id, sent_at, id) for a customer, (sent_at, id) for staff.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres import tables_requests as t
from kook.application.reporting.ports import (
    TRANSACTION_STATUSES,
    TransactionCursor,
    TransactionFilter,
    TransactionReader,
    TransactionRow,
    TransactionTotals,
)

L = t.request_lines.c
R = t.requests.c
_AMOUNT = sa.case((L.product == "airtime", sa.func.coalesce(L.amount, 0)), else_=L.price)
_COLUMNS = (
    L.id,
    L.customer_id,
    L.request_id,
    R.name.label("request_name"),
    L.mobile,
    L.operator,
    L.product,
    L.package_code,
    L.package_title,
    _AMOUNT.label("amount"),
    L.status,
    L.sent_at,
    L.finished_at,
    L.reference,
    L.provider_ref,
)


def _where(filter: TransactionFilter) -> list[Any]:
    clauses: list[Any] = [L.sent_at.is_not(None), L.status.in_(TRANSACTION_STATUSES)]
    if filter.customer_id is not None:
        clauses.append(L.customer_id == filter.customer_id)
    if filter.start is not None:
        clauses.append(L.sent_at >= filter.start)
    if filter.end is not None:
        clauses.append(L.sent_at < filter.end)
    if filter.status is not None:
        clauses.append(L.status == filter.status)
    if filter.operator is not None:
        clauses.append(L.operator == filter.operator)
    if filter.product is not None:
        clauses.append(L.product == filter.product)
    if filter.package_code is not None:
        clauses.append(L.package_code == filter.package_code)
    if filter.request_id is not None:
        clauses.append(L.request_id == filter.request_id)
    if filter.mobile is not None:
        clauses.append(L.mobile == filter.mobile)
    return clauses


def _row(r: Any) -> TransactionRow:
    # positional: _COLUMNS are in TransactionRow's field order (an export builds a million of these)
    return TransactionRow(*r)


class SqlTransactionReader(TransactionReader):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    def _page_query(self, filter: TransactionFilter, after: TransactionCursor | None, limit: int) -> Any:
        """The page in two steps: the ids from the (covering) index alone, then those rows and their requests.

        A filter the index does not order by (a rare status, an operator) skips index entries, not table
        rows: PostgreSQL reads the skipped ones from the index (an index-only scan), and only the page's
        rows from the table.
        """
        ids = sa.select(L.id.label("id"), L.sent_at.label("sent_at")).where(*_where(filter))
        if after is not None:
            moment, ident = after
            ids = ids.where(sa.or_(L.sent_at < moment, sa.and_(L.sent_at == moment, L.id < ident)))
        chosen = ids.order_by(L.sent_at.desc(), L.id.desc()).limit(limit).subquery("chosen")
        return (
            sa.select(*_COLUMNS)
            .select_from(chosen)
            .join(t.request_lines, L.id == chosen.c.id)
            .join(t.requests, R.id == L.request_id)
            .order_by(chosen.c.sent_at.desc(), chosen.c.id.desc())
        )

    async def page(
        self, filter: TransactionFilter, after: TransactionCursor | None, limit: int
    ) -> list[TransactionRow]:
        async with self._factory() as session:
            rows = (await session.execute(self._page_query(filter, after, limit))).all()
        return [_row(r) for r in rows]

    def _totals_query(self, filter: TransactionFilter) -> Any:
        return sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(_AMOUNT), 0),
            sa.func.coalesce(sa.func.sum(sa.case((L.status == "succeeded", _AMOUNT), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((L.status == "failed", _AMOUNT), else_=0)), 0),
        ).where(*_where(filter))

    def queries(self, filter: TransactionFilter) -> list[Any]:
        """The statements a page and its totals run (the EXPLAIN test checks their plans)."""
        return [self._page_query(filter, None, 51), self._totals_query(filter)]

    async def totals(self, filter: TransactionFilter) -> TransactionTotals:
        query = self._totals_query(filter)
        async with self._factory() as session:
            count, amount, succeeded, refunded = (await session.execute(query)).one()
        return TransactionTotals(int(count), int(amount), int(succeeded), int(refunded))

    async def batches(self, filter: TransactionFilter, size: int) -> AsyncIterator[list[TransactionRow]]:
        after: TransactionCursor | None = None
        while True:
            rows = await self.page(filter, after, size)
            if not rows:
                return
            yield rows
            if len(rows) < size:
                return
            after = rows[-1].cursor

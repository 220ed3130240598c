"""گزارش پرداخت in SQL: online payments and deposit slips as one UNION ALL, keyset pages over
(created_at, id) — never OFFSET — and the whole filter's totals."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import wallet as w
from kook.application.reporting.ports import (
    SETTLED,
    PaymentCursor,
    PaymentFilter,
    PaymentReader,
    PaymentRow,
    PaymentTotals,
)

P = w.payments.c
D = w.deposits.c


def _branch(filter: PaymentFilter, kind: str) -> Any:
    columns: tuple[Any, ...]
    if kind == "online":
        table, created = w.payments, P.created_at
        columns = (
            P.id,
            P.customer_id,
            sa.cast(sa.literal("online"), sa.String(8)).label("kind"),
            sa.cast(P.status, sa.String(16)).label("status"),
            P.amount,
            P.reference.label("reference"),
            P.gateway.label("bank"),
            P.card_mask,
            P.created_at,
            P.verified_at.label("settled_at"),
        )
        customer, status = P.customer_id, P.status
    else:
        table, created = w.deposits, D.created_at
        columns = (
            D.id,
            D.customer_id,
            sa.cast(sa.literal("slip"), sa.String(8)).label("kind"),
            sa.cast(D.status, sa.String(16)).label("status"),
            D.amount,
            D.tracking_number.label("reference"),
            D.bank_account.label("bank"),
            sa.cast(sa.null(), sa.String(32)).label("card_mask"),
            D.created_at,
            D.decided_at.label("settled_at"),
        )
        customer, status = D.customer_id, D.status
    query = sa.select(*columns).select_from(table)
    if filter.customer_id is not None:
        query = query.where(customer == filter.customer_id)
    if filter.start is not None:
        query = query.where(created >= filter.start)
    if filter.end is not None:
        query = query.where(created < filter.end)
    if filter.status is not None:
        query = query.where(sa.cast(status, sa.String(16)) == filter.status)
    return query


def _union(filter: PaymentFilter) -> Any:
    kinds = [filter.kind] if filter.kind else ["online", "slip"]
    branches = [_branch(filter, kind) for kind in kinds]
    union: Any = sa.union_all(*branches) if len(branches) > 1 else branches[0]
    return union.subquery("money")


def _row(r: Any) -> PaymentRow:
    return PaymentRow(
        id=r.id,
        customer_id=r.customer_id,
        kind=r.kind,
        status=r.status,
        amount=int(r.amount),
        reference=r.reference,
        bank=r.bank,
        card_mask=r.card_mask,
        created_at=r.created_at,
        settled_at=r.settled_at,
    )


class SqlPaymentReader(PaymentReader):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def page(self, filter: PaymentFilter, after: PaymentCursor | None, limit: int) -> list[PaymentRow]:
        money = _union(filter)
        m = money.c
        query = sa.select(money)
        if after is not None:
            moment, ident = after
            query = query.where(sa.or_(m.created_at < moment, sa.and_(m.created_at == moment, m.id < ident)))
        query = query.order_by(m.created_at.desc(), m.id.desc()).limit(limit)
        async with self._factory() as session:
            rows = (await session.execute(query)).all()
        return [_row(r) for r in rows]

    async def totals(self, filter: PaymentFilter) -> PaymentTotals:
        money = _union(filter)
        m = money.c
        query = sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(m.amount), 0),
            sa.func.coalesce(sa.func.sum(sa.case((m.status.in_(SETTLED), m.amount), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((m.status == "pending", m.amount), else_=0)), 0),
        ).select_from(money)
        async with self._factory() as session:
            count, amount, settled, pending = (await session.execute(query)).one()
        return PaymentTotals(int(count), int(amount), int(settled), int(pending))

"""The monthly wallet statement in SQL: the postings to a wallet before a month, and the month's entries.

Figures come from the postings themselves, as ``kook ledger verify`` recomputes
a wallet (``SqlLedgerRepository.verify``): the available account's postings and
the held account's postings of the customer, summed.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import wallet as t
from kook.application.reporting.ports import StatementReader
from kook.domain.invoicing.statement import Balance, Movement
from kook.domain.wallet.ledger import available_account, held_account

E = t.journal_entries.c
P = t.postings.c


def _sums(customer_id: str) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    available = sa.func.coalesce(
        sa.func.sum(sa.case((P.account == available_account(customer_id), P.amount), else_=0)), 0
    )
    held = sa.func.coalesce(sa.func.sum(sa.case((P.account == held_account(customer_id), P.amount), else_=0)), 0)
    return available, held


class SqlStatementReader(StatementReader):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def balance_before(self, customer_id: str, moment: datetime) -> Balance:
        available, held = _sums(customer_id)
        query = sa.select(available.label("available"), held.label("held")).where(
            P.customer_id == customer_id, P.created_at < moment
        )
        async with self._factory() as session:
            row = (await session.execute(query)).one()
        return Balance(int(row.available), int(row.held))

    async def movements(self, customer_id: str, start: datetime, end: datetime) -> list[Movement]:
        available, held = _sums(customer_id)
        query = (
            sa.select(E.id, E.kind, E.memo, E.created_at, available.label("d_available"), held.label("d_held"))
            .join(t.postings, P.entry_id == E.id)
            .where(P.customer_id == customer_id, P.created_at >= start, P.created_at < end)
            .group_by(E.id, E.kind, E.memo, E.created_at)
            .order_by(E.created_at, sa.func.min(P.id))  # entries of one moment: in the order posted
        )
        async with self._factory() as session:
            rows = (await session.execute(query)).all()
        return [
            Movement(
                entry_id=r.id,
                kind=str(r.kind),
                memo=r.memo,
                created_at=r.created_at,
                available_change=int(r.d_available),
                held_change=int(r.d_held),
            )
            for r in rows
        ]

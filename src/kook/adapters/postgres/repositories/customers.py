from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.tables import identity as tables_identity
from kook.adapters.postgres.tables.customers import customers
from kook.adapters.postgres.tables.teams import customer_members
from kook.application.shared.ports import CustomerRepository, CustomerSummary, Position
from kook.domain.customers.customer import Customer, CustomerKind, CustomerStatus
from kook.domain.shared.errors import Conflict


def keyset_after(
    moment: sa.ColumnElement[datetime], ident: sa.ColumnElement[str], position: Position, *, ascending: bool
) -> sa.ColumnElement[bool]:
    """Rows after ``position`` in (moment, id) order, ascending or descending."""
    at, key = position
    if ascending:
        return sa.or_(moment > at, sa.and_(moment == at, ident > key))
    return sa.or_(moment < at, sa.and_(moment == at, ident < key))


class SqlCustomerRepository(CustomerRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, customer_id: str, *, for_update: bool = False) -> Customer | None:
        query = sa.select(Customer).where(customers.c.id == customer_id)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def of_owner(self, user_id: str, *, for_update: bool = False) -> Customer | None:
        """The customer the user belongs to — as its owner or any other member (issue 18)."""
        member_of = sa.select(customer_members.c.customer_id).where(customer_members.c.user_id == user_id)
        query = sa.select(Customer).where(customers.c.id == member_of.scalar_subquery())
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add(self, customer: Customer) -> None:
        """The customer, and its user as its first owner (a person belongs to one customer)."""
        taken = sa.select(customer_members.c.user_id).where(customer_members.c.user_id == customer.owner_user_id)
        if (await self._session.execute(taken)).first() is not None:
            raise Conflict()
        self._session.add(customer)
        await flush_or_conflict(self._session)
        await self._session.execute(
            customer_members.insert().values(
                user_id=customer.owner_user_id, customer_id=customer.id, role="owner", joined_at=customer.created_at
            )
        )

    async def summaries(
        self, status: CustomerStatus | None, *, after: Position | None, limit: int
    ) -> list[CustomerSummary]:
        c = customers.c
        u = tables_identity.users.c
        ascending = status == CustomerStatus.SUBMITTED
        query = sa.select(
            c.id,
            c.kind,
            c.status,
            c.company_name,
            c.first_name,
            c.last_name,
            c.national_code,
            c.national_id,
            c.status_changed_at,
            c.submitted_at,
            c.decided_at,
            u.mobile,
            u.first_name.label("owner_first_name"),
            u.last_name.label("owner_last_name"),
        ).join(tables_identity.users, u.id == c.owner_user_id)
        if status is not None:
            query = query.where(c.status == status)
        if after is not None:
            query = query.where(keyset_after(c.status_changed_at, c.id, after, ascending=ascending))
        order = (c.status_changed_at.asc(), c.id.asc()) if ascending else (c.status_changed_at.desc(), c.id.desc())
        rows = (await self._session.execute(query.order_by(*order).limit(limit))).all()
        return [_summary(row) for row in rows]

    async def names(self, customer_ids: Collection[str]) -> dict[str, str]:
        c = customers.c
        names: dict[str, str] = {}
        ids = sorted(customer_ids)
        for start in range(0, len(ids), 500):
            query = sa.select(c.id, c.kind, c.company_name, c.first_name, c.last_name).where(
                c.id.in_(ids[start : start + 500])
            )
            for row in (await self._session.execute(query)).all():
                names[row.id] = _display_name(row)
        return names


def _display_name(row: Any) -> str:
    if CustomerKind(row.kind) == CustomerKind.LEGAL:
        return str(row.company_name or "")
    return f"{row.first_name or ''} {row.last_name or ''}".strip()


def _summary(row: Any) -> CustomerSummary:
    kind = CustomerKind(row.kind)
    legal = kind == CustomerKind.LEGAL
    name = _display_name(row)
    return CustomerSummary(
        id=row.id,
        kind=kind,
        status=CustomerStatus(row.status),
        display_name=name,
        identifier=(row.national_id if legal else row.national_code) or "",
        owner_mobile=row.mobile,
        owner_name=f"{row.owner_first_name} {row.owner_last_name}".strip(),
        status_changed_at=row.status_changed_at,
        submitted_at=row.submitted_at,
        decided_at=row.decided_at,
    )

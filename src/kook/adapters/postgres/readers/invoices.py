"""Invoices in SQL: the request, its delivered lines grouped, the buyer's KYC, and the gapless numbers.

``issue`` runs in its own transaction: it makes sure the year's counter row
exists, locks it (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN
IMMEDIATE`` makes the whole transaction the single writer), returns the number
already issued to the request if another caller got there first, else takes
``last_number + 1``, moves the counter and stores the number — all committed
together, so a failure leaves neither a gap nor a number used twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import customers as tc
from kook.adapters.postgres.tables import invoicing as ti
from kook.adapters.postgres.tables import requests as tr
from kook.application.reporting.ports import InvoiceBook, InvoicedRequest
from kook.domain.invoicing.invoice import IssuedNumber, Party, SoldGroup

R = tr.requests.c
L = tr.request_lines.c
I = ti.invoices.c  # noqa: E741
_FINISHED = ("completed", "completed_with_failures")


def _issued(row: Any) -> IssuedNumber:
    return IssuedNumber(
        request_id=row.request_id,
        customer_id=row.customer_id,
        year=int(row.year),
        number=int(row.number),
        vat_percent=int(row.vat_percent),
        issued_at=row.issued_at,
    )


class SqlInvoiceBook(InvoiceBook):
    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory

    async def request(self, customer_id: str, request_id: str) -> InvoicedRequest | None:
        query = sa.select(R.id, R.customer_id, R.name, R.status, R.finished_at, R.settled).where(
            R.id == request_id, R.customer_id == customer_id
        )
        async with self._factory() as session:
            row = (await session.execute(query)).first()
        if row is None:
            return None
        return InvoicedRequest(
            id=row.id,
            customer_id=row.customer_id,
            name=row.name,
            finished=row.status in _FINISHED,
            finished_at=row.finished_at,
            settled=int(row.settled),
        )

    async def sold_groups(self, request_id: str) -> list[SoldGroup]:
        query = (
            sa.select(
                L.product,
                L.operator,
                L.package_code,
                sa.func.max(L.package_title).label("package_title"),
                L.price,
                sa.func.count().label("lines"),
            )
            .where(L.request_id == request_id, L.status == "succeeded")
            .group_by(L.product, L.operator, L.package_code, L.price)
        )
        async with self._factory() as session:
            rows = (await session.execute(query)).all()
        return [
            SoldGroup(
                product=r.product,
                operator=r.operator,
                package_code=r.package_code,
                package_title=r.package_title,
                unit_price=int(r.price),
                count=int(r.lines),
            )
            for r in rows
        ]

    async def buyer(self, customer_id: str) -> Party | None:
        c = tc.customers.c
        async with self._factory() as session:
            row = (await session.execute(sa.select(tc.customers).where(c.id == customer_id))).first()
        if row is None:
            return None
        legal = row.kind == "legal"
        return Party(
            kind="legal" if legal else "natural",
            name=(row.company_name if legal else f"{row.first_name or ''} {row.last_name or ''}".strip()) or "",
            national_id=(row.national_id if legal else row.national_code) or "",
            economic_code=(row.economic_code if legal else "") or "",
            registration_number=(row.registration_number if legal else "") or "",
            address=row.address or "",
            postal_code=row.postal_code or "",
            phone=row.phone or "",
        )

    async def issued(self, request_id: str) -> IssuedNumber | None:
        async with self._factory() as session:
            row = (await session.execute(sa.select(ti.invoices).where(I.request_id == request_id))).first()
        return None if row is None else _issued(row)

    async def issue(
        self, request_id: str, customer_id: str, year: int, vat_percent: int, now: datetime
    ) -> IssuedNumber:
        counters = ti.invoice_counters
        async with self._factory() as session, session.begin():
            dialect = session.bind.dialect.name if session.bind else "postgresql"
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            await session.execute(
                insert(counters).values(year=year, last_number=0).on_conflict_do_nothing(index_elements=["year"])
            )
            last = (
                await session.execute(
                    sa.select(counters.c.last_number).where(counters.c.year == year).with_for_update()
                )
            ).scalar_one()
            # under the lock: a caller that issued this request's number meanwhile has committed it
            row = (await session.execute(sa.select(ti.invoices).where(I.request_id == request_id))).first()
            if row is not None:
                return _issued(row)
            number = int(last) + 1
            await session.execute(counters.update().where(counters.c.year == year).values(last_number=number))
            await session.execute(
                ti.invoices.insert().values(
                    request_id=request_id,
                    customer_id=customer_id,
                    year=year,
                    number=number,
                    vat_percent=vat_percent,
                    issued_at=now,
                )
            )
        return IssuedNumber(request_id, customer_id, year, number, vat_percent, now)

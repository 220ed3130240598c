from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.tables.customers import customers
from kook.adapters.postgres.tables.services import service_activations, services
from kook.adapters.postgres.tables.teams import customer_members
from kook.application.services.ports import ActivationRepository, ServiceRepository
from kook.application.shared.ports import OwnerAccess
from kook.domain.customers.customer import CustomerStatus
from kook.domain.services.service import Service, ServiceActivation, ServiceTerms


class SqlServiceRepository(ServiceRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all(self) -> list[Service]:
        query = sa.select(Service).order_by(services.c.sort_order, services.c.code)
        return list((await self._session.execute(query)).scalars())

    async def get(self, code: str) -> Service | None:
        return await self._session.get(Service, code)

    async def terms(self, code: str, version: str) -> ServiceTerms | None:
        return await self._session.get(ServiceTerms, (code, version))


class SqlActivationRepository(ActivationRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def for_customer(self, customer_id: str) -> list[ServiceActivation]:
        c = service_activations.c
        query = sa.select(ServiceActivation).where(c.customer_id == customer_id).order_by(c.accepted_at)
        return list((await self._session.execute(query)).scalars())

    async def get(self, customer_id: str, service_code: str) -> ServiceActivation | None:
        c = service_activations.c
        query = sa.select(ServiceActivation).where(c.customer_id == customer_id, c.service_code == service_code)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def access_of_owner(self, user_id: str, service_code: str) -> OwnerAccess | None:
        a = service_activations.c
        active = sa.select(a.id).where(a.customer_id == customers.c.id, a.service_code == service_code).exists()
        # the customer the user belongs to, as its owner or any other member (issue 18)
        member_of = sa.select(customer_members.c.customer_id).where(customer_members.c.user_id == user_id)
        query = sa.select(customers.c.id, customers.c.status, active.label("active")).where(
            customers.c.id == member_of.scalar_subquery()
        )
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        return OwnerAccess(row.id, row.status == CustomerStatus.APPROVED, bool(row.active))

    async def add(self, activation: ServiceActivation) -> None:
        self._session.add(activation)
        await flush_or_conflict(self._session)

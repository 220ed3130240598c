"""What reviewers read: the queue and one submission with its history."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from kook.application.audit.ports import AuditEntry, AuditFilter, AuditReader
from kook.application.customers.ports import CustomerSummary, CustomersUnitOfWork, Position
from kook.domain.customers.customer import Customer, CustomerStatus
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User
from kook.domain.shared.errors import NotFound

MAX_PAGE = 100


class ListCustomersForReview:
    def __init__(self, uow: CustomersUnitOfWork) -> None:
        self._uow = uow

    async def __call__(
        self,
        status: CustomerStatus | None = CustomerStatus.SUBMITTED,
        *,
        after: Position | None = None,
        limit: int = 20,
    ) -> list[CustomerSummary]:
        async with self._uow as uow:
            return await uow.customers.summaries(status, after=after, limit=max(1, min(limit, MAX_PAGE)))


class CustomerNames:
    """Names of customers for pages of other contexts (finance's deposit queue):
    the company name of a legal customer, first and last name of a natural one."""

    def __init__(self, uow: CustomersUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_ids: Collection[str]) -> dict[str, str]:
        wanted = {i for i in customer_ids if i}
        if not wanted:
            return {}
        async with self._uow as uow:
            return await uow.customers.names(wanted)


@dataclass(frozen=True)
class CustomerReview:
    customer: Customer
    owner: User | None
    decided_by: StaffMember | None
    history: list[AuditEntry] = field(default_factory=list)


class GetCustomerForReview:
    def __init__(self, uow: CustomersUnitOfWork, audit: AuditReader) -> None:
        self._uow = uow
        self._audit = audit

    async def __call__(self, customer_id: str) -> CustomerReview:
        async with self._uow as uow:
            customer = await uow.customers.get(customer_id)
            if customer is None:
                raise NotFound()
            owner = await uow.users.get(customer.owner_user_id)
            decided_by = None
            if customer.decided_by and customer.decided_by.startswith("staff:"):
                decided_by = await uow.staff.get(customer.decided_by.removeprefix("staff:"))
        history = await self._audit.entries(AuditFilter(subject=f"customer:{customer_id}"), before_id=None, limit=50)
        return CustomerReview(customer=customer, owner=owner, decided_by=decided_by, history=history)

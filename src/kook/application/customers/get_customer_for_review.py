"""What reviewers read: the queue and one submission with its history."""

from __future__ import annotations

from dataclasses import dataclass, field

from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.shared.ports import AuditEntry, AuditFilter, AuditReader
from kook.domain.customers.customer import Customer
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User
from kook.domain.shared.errors import NotFound


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

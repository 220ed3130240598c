"""Ports of the customers context."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.identity.ports import StaffRepository, UserRepository
from kook.application.messaging.ports import MessageRepository
from kook.application.shared.ports import AuditLog
from kook.application.shared.unit_of_work import UnitOfWork
from kook.domain.customers.customer import Customer, CustomerKind, CustomerStatus

Position = tuple[datetime, str]


@dataclass(frozen=True)
class CustomerSummary:
    """One row of the reviewers' queue."""

    id: str
    kind: CustomerKind
    status: CustomerStatus
    display_name: str
    identifier: str
    owner_mobile: str
    owner_name: str
    status_changed_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None

    @property
    def position(self) -> Position:
        return (self.status_changed_at, self.id)


class CustomerRepository(Protocol):
    async def get(self, customer_id: str, *, for_update: bool = False) -> Customer | None: ...
    async def of_owner(self, user_id: str, *, for_update: bool = False) -> Customer | None: ...
    async def add(self, customer: Customer) -> None:
        """Raises Conflict when the user already has a customer."""
        ...

    async def summaries(
        self, status: CustomerStatus | None, *, after: Position | None, limit: int
    ) -> list[CustomerSummary]:
        """Submitted profiles oldest first (a queue); any other view newest first.
        ``after`` is the position of the last row already shown."""
        ...

    async def names(self, customer_ids: Collection[str]) -> dict[str, str]:
        """The display name of each customer found (company name, or first and last name)."""
        ...


class CustomersUnitOfWork(UnitOfWork, Protocol):
    customers: CustomerRepository
    users: UserRepository
    staff: StaffRepository
    messages: MessageRepository
    audit: AuditLog

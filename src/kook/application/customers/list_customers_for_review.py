"""What reviewers read: the queue and one submission with its history."""

from __future__ import annotations

from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.shared.ports import CustomerSummary, Position
from kook.domain.customers.customer import CustomerStatus

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

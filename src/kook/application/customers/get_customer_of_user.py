from __future__ import annotations

from kook.application.customers.ports import CustomersUnitOfWork
from kook.domain.customers.customer import Customer


class GetCustomerOfUser:
    """The customer the user owns (one per user for now), or None."""

    def __init__(self, uow: CustomersUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> Customer | None:
        async with self._uow as uow:
            return await uow.customers.of_owner(user_id)

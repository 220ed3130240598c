from __future__ import annotations

from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.customers.customer import Customer
from kook.domain.shared.errors import NotFound


class SubmitCustomerProfile:
    """Sends the saved details for review: draft or rejected → submitted."""

    def __init__(self, uow: CustomersUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, user_id: str) -> Customer:
        async with self._uow as uow:
            customer = await uow.customers.of_owner(user_id, for_update=True)
            if customer is None:
                raise NotFound()
            customer.submit(self._clock.now())
            await uow.commit()
        return customer

"""Names of customers for pages of other contexts (finance's deposit queue):
the company name of a legal customer, first and last name of a natural one."""

from __future__ import annotations

from collections.abc import Collection

from kook.application.customers.ports import CustomersUnitOfWork


class GetCustomerNames:
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

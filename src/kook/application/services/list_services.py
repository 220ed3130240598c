from __future__ import annotations

from kook.application.services.access import approved_customer
from kook.application.services.ports import ServicesUnitOfWork, ServiceView, view_of


class ListServices:
    """The services table for the user's (approved) customer."""

    def __init__(self, uow: ServicesUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> list[ServiceView]:
        async with self._uow as uow:
            customer = await approved_customer(uow, user_id)
            activations = {a.service_code: a for a in await uow.activations.for_customer(customer.id)}
            return [view_of(service, activations.get(service.code)) for service in await uow.services.all()]

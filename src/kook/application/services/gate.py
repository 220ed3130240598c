"""The guard in front of everything that needs the enterprise top-up service
(funding the wallet, building requests: SPEC §4)."""

from __future__ import annotations

from kook.application.services.access import approved_customer
from kook.application.services.ports import ServicesUnitOfWork
from kook.domain.services.service import ServiceCode, ServiceNotActive


class EnterpriseTopupGate:
    """``await gate(user_id)`` → the user's customer id.

    Raises ``profile_not_approved`` (403) when the user has no customer or it is
    not approved, ``service_not_active`` (403) when the enterprise top-up
    service has not been activated.
    """

    def __init__(self, uow: ServicesUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, user_id: str) -> str:
        async with self._uow as uow:
            customer = await approved_customer(uow, user_id)
            if await uow.activations.get(customer.id, ServiceCode.ENTERPRISE_TOPUP.value) is None:
                raise ServiceNotActive()
            return customer.id

"""The guard in front of everything that needs the enterprise top-up service
(funding the wallet, building requests: SPEC §4)."""

from __future__ import annotations

from kook.application.services.ports import ServicesUnitOfWork
from kook.application.shared.ports import OwnerAccess
from kook.domain.customers.customer import ProfileNotApproved
from kook.domain.services.service import ServiceCode, ServiceNotActive


class EnterpriseTopupGate:
    """``await gate(user_id)`` → the user's customer id.

    Raises ``profile_not_approved`` (403) when the user has no customer or it is
    not approved, ``service_not_active`` (403) when the enterprise top-up
    service has not been activated.
    """

    def __init__(self, uow: ServicesUnitOfWork, known: dict[tuple[str, str], OwnerAccess | None] | None = None) -> None:
        self._uow = uow
        self._known = known if known is not None else {}  # read with the caller (CallerFacts.access)

    async def __call__(self, user_id: str) -> str:
        key = (user_id, ServiceCode.ENTERPRISE_TOPUP.value)
        if key in self._known:
            access = self._known[key]
        else:
            async with self._uow as uow:
                # one statement (asked on every request of a customer's wallet and requests)
                access = await uow.activations.access_of_owner(*key)
        if access is None or not access.approved:
            raise ProfileNotApproved()
        if not access.active:
            raise ServiceNotActive()
        return access.customer_id

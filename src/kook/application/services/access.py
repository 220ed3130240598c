from __future__ import annotations

from kook.application.services.ports import ServicesUnitOfWork
from kook.domain.customers.customer import Customer, ProfileNotApproved


async def approved_customer(uow: ServicesUnitOfWork, user_id: str, *, for_update: bool = False) -> Customer:
    """The user's customer when its profile is approved; else ``profile_not_approved``."""
    customer = await uow.customers.of_owner(user_id, for_update=for_update)
    if customer is None or not customer.is_approved:
        raise ProfileNotApproved()
    return customer

"""What the layouts show around every page: the unread count, whether the
Services menu exists yet (only once the customer is approved), and the staff
menu items the member's role may open."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from litestar import Request

from kook.application.customers.get_customer_of_user import GetCustomerOfUser
from kook.application.messaging.count_unread_messages import CountUnreadMessages
from kook.application.wallet.get_wallet import GetWallet
from kook.domain.customers.customer import REVIEWER_ROLES, CustomerStatus
from kook.domain.identity.staff import StaffRole
from kook.entrypoints.http.context import Caller, resolve
from kook.entrypoints.http.session_customer import customer_id_or_none

# Staff menu keys some roles may not open (admins open everything).
STAFF_MENU_ROLES: dict[str, frozenset[StaffRole]] = {
    "customers": REVIEWER_ROLES,
    "audit": frozenset({StaffRole.ADMIN}),
    "deposits": frozenset({StaffRole.FINANCE}),
    "lines": frozenset({StaffRole.FINANCE}),
    "reports": frozenset({StaffRole.FINANCE}),
}


async def menu_state(request: Request[Any, Any, Any], found: Caller, enabled: Set[str]) -> dict[str, Any]:
    if found.user is not None:
        customer = await (await resolve(request, GetCustomerOfUser))(found.user.id)
        unread = await (await resolve(request, CountUnreadMessages))(found.user.id)
        status = customer.status.value if customer is not None else None
        menu = set(enabled)
        if status != CustomerStatus.APPROVED:
            menu.discard("services")
        wallet_available: int | None = None
        if customer is not None and status == CustomerStatus.APPROVED:
            customer_id = await customer_id_or_none(request, found.user.id)
            if customer_id is not None:  # the top bar shows no balance until the service is active
                wallet_available = (await (await resolve(request, GetWallet))(customer_id)).available
        return {
            "unread_count": unread,
            "customer_status": status,
            "enabled_menu": frozenset(menu),
            "wallet_available": wallet_available,
        }
    if found.staff is not None:
        role = found.staff.role
        return {
            "enabled_menu": frozenset(
                key for key in enabled if role == StaffRole.ADMIN or role in STAFF_MENU_ROLES.get(key, {role})
            )
        }
    return {}

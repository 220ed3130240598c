"""The customer's own request, or not found (every request use case starts here)."""

from __future__ import annotations

from kook.application.recharges.ports import RequestsUnitOfWork
from kook.domain.recharges.request import Request, RequestNotFound


async def owned_request(uow: RequestsUnitOfWork, request_id: str, customer_id: str, *, lock: bool = False) -> Request:
    """The customer's request, or ``not_found`` (a foreign request looks like a missing one)."""
    found = await uow.requests.get(request_id, customer_id, for_update=lock)
    if found is None:
        raise RequestNotFound()
    return found

"""Names of the customer's requests by id (the wallet statement names the
request an amount was held, settled or released for)."""

from __future__ import annotations

from collections.abc import Collection

from kook.application.recharges.ports import RequestsUnitOfWork


class GetRequestNames:
    """Names of the customer's requests by id (the wallet statement names the
    request an amount was held, settled or released for)."""

    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, request_ids: Collection[str]) -> dict[str, str]:
        if not request_ids:
            return {}
        async with self._uow as uow:
            return await uow.requests.names(customer_id, request_ids)

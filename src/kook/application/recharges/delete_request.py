"""Requests as a whole: create, list, read, rename, delete (drafts only)."""

from __future__ import annotations

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import RequestsUnitOfWork


class DeleteRequest:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str) -> None:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            request.ensure_draft()
            await uow.requests.delete(request.id)
            await uow.commit()

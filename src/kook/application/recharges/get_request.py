"""Requests as a whole: create, list, read, rename, delete (drafts only)."""

from __future__ import annotations

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import RequestsUnitOfWork
from kook.domain.recharges.request import Request


class GetRequest:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str) -> Request:
        async with self._uow as uow:
            return await owned_request(uow, request_id, customer_id)

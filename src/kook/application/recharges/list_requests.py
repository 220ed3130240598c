"""Requests as a whole: create, list, read, rename, delete (drafts only)."""

from __future__ import annotations

from datetime import datetime

from kook.application.recharges.ports import RequestsUnitOfWork
from kook.domain.recharges.request import Request


class ListRequests:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, before: tuple[datetime, str] | None, limit: int) -> list[Request]:
        async with self._uow as uow:
            return await uow.requests.for_customer(customer_id, before=before, limit=limit)

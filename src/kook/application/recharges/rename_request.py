"""Requests as a whole: create, list, read, rename, delete (drafts only)."""

from __future__ import annotations

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import RequestsUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.recharges.request import Request


class RenameRequest:
    def __init__(self, uow: RequestsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, request_id: str, customer_id: str, name: object) -> Request:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            request.rename(name, self._clock.now())
            await uow.requests.save(request)
            await uow.commit()
        return request

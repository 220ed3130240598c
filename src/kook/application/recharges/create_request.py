"""Requests as a whole: create, list, read, rename, delete (drafts only)."""

from __future__ import annotations

from kook.application.recharges.ports import RequestsUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.recharges.request import Request, RequestStatus, check_kind, check_name
from kook.domain.shared.ids import new_id


class CreateRequest:
    def __init__(self, uow: RequestsUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, customer_id: str, name: object, kind: object) -> Request:
        clean_name, clean_kind = check_name(name), check_kind(kind)
        now = self._clock.now()
        request = Request(
            id=new_id(),
            customer_id=customer_id,
            name=clean_name,
            kind=clean_kind,
            status=RequestStatus.DRAFT,
            created_at=now,
            updated_at=now,
        )
        async with self._uow as uow:
            await uow.requests.add(request)
            await uow.commit()
        return request

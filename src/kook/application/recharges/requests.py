"""Requests as a whole: create, list, read, rename, delete (drafts only)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from kook.application.recharges.request_ports import RequestsUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.recharges.request import (
    Request,
    RequestNotFound,
    RequestStatus,
    check_kind,
    check_name,
)
from kook.domain.shared.ids import new_id


async def owned_request(uow: RequestsUnitOfWork, request_id: str, customer_id: str, *, lock: bool = False) -> Request:
    """The customer's request, or ``not_found`` (a foreign request looks like a missing one)."""
    found = await uow.requests.get(request_id, customer_id, for_update=lock)
    if found is None:
        raise RequestNotFound()
    return found


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


class ListRequests:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, before: tuple[datetime, str] | None, limit: int) -> list[Request]:
        async with self._uow as uow:
            return await uow.requests.for_customer(customer_id, before=before, limit=limit)


class RequestNames:
    """Names of the customer's requests by id (the wallet statement names the
    request an amount was held, settled or released for)."""

    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, customer_id: str, request_ids: Collection[str]) -> dict[str, str]:
        if not request_ids:
            return {}
        async with self._uow as uow:
            return await uow.requests.names(customer_id, request_ids)


class GetRequest:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str) -> Request:
        async with self._uow as uow:
            return await owned_request(uow, request_id, customer_id)


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


class DeleteRequest:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str) -> None:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            request.ensure_draft()
            await uow.requests.delete(request.id)
            await uow.commit()

"""What a customer sees of a running request, and finance's queue of unknown outcomes."""

from __future__ import annotations

from kook.application.fulfilment.ports import FulfilmentUnitOfWork, UnknownLine


class ListUnknownLines:
    def __init__(self, uow: FulfilmentUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, *, after_id: int | None, limit: int) -> list[UnknownLine]:
        async with self._uow as uow:
            return await uow.work.unknown_lines(after_id=after_id, limit=limit)

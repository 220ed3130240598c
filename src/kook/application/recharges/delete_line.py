"""Lines of a draft request, one at a time: add, edit (checked again), delete, page through."""

from __future__ import annotations

from kook.application.recharges.line_checker import LineNotFound
from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import RequestsUnitOfWork


class DeleteLine:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str, line_id: int) -> None:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            request.ensure_draft()
            if not await uow.lines.delete(request.id, line_id):
                raise LineNotFound()
            await uow.commit()

"""A page of lines: invalid first, then the rest, by id; ``status`` narrows to one status."""

from __future__ import annotations

from dataclasses import replace

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import LineCursor, LineView, RequestsUnitOfWork
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import RequestStatus
from kook.domain.shared.errors import ValidationFailed

_STATUSES = frozenset(s.value for s in LineStatus)


class ListLines:
    """A page of lines: invalid first, then the rest, by id; ``status`` narrows to one status."""

    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(
        self, request_id: str, customer_id: str, *, status: str | None, after: LineCursor | None, limit: int
    ) -> list[tuple[LineCursor, LineView]]:
        if status is not None and status not in _STATUSES:
            raise ValidationFailed({"status": "invalid"})
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id)
            if request.status is RequestStatus.DRAFT:
                return await uow.lines.page(request_id, status=status, after=after, limit=limit)
            # once confirmed, a valid line waits for fulfilment: it is shown (and filtered) as pending
            stored = LineStatus.VALID.value if status == LineStatus.PENDING.value else status
            found = await uow.lines.page(request_id, status=stored, after=after, limit=limit)
        return [
            (cursor, replace(view, status=LineStatus.PENDING.value) if view.status == LineStatus.VALID.value else view)
            for cursor, view in found
        ]

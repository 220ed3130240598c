"""What a customer sees of a running request, and finance's queue of unknown outcomes."""

from __future__ import annotations

from kook.application.fulfilment.ports import FulfilmentUnitOfWork, Progress
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import RequestNotFound, RequestStatus


class GetProgress:
    def __init__(self, uow: FulfilmentUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str | None) -> Progress:
        """``customer_id`` None: staff (any request)."""
        async with self._uow as uow:
            request = await uow.work.request(request_id)
            if request is None or (customer_id is not None and request.customer_id != customer_id):
                raise RequestNotFound()
            counts = await uow.work.status_counts(request_id)
        waiting = counts.get(LineStatus.VALID, 0) if request.status is not RequestStatus.DRAFT else 0
        pending = waiting if request.status is not RequestStatus.CANCELLED else 0
        values = {
            "pending": pending,
            "sending": counts.get(LineStatus.SENDING, 0),
            "succeeded": counts.get(LineStatus.SUCCEEDED, 0),
            "failed": counts.get(LineStatus.FAILED, 0),
            "unknown": counts.get(LineStatus.UNKNOWN, 0),
        }
        return Progress(
            status=request.status.value,
            lines=sum(values.values()),
            settled=request.settled,
            released=request.released,
            held=request.held,
            **values,
        )

"""A repeating request's future runs (runs already started go on), or a scheduled one-off request with
its hold released; again → the same answer."""

from __future__ import annotations

from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import SchedulesUnitOfWork
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock
from kook.domain.recharges.request import RequestNotScheduled, RequestStatus


class CancelFutureRuns:
    """A repeating request's future runs (runs already started go on), or a scheduled one-off request with
    its hold released; again → the same answer."""

    def __init__(self, uow: SchedulesUnitOfWork, poster: LedgerPoster, clock: Clock) -> None:
        self._uow = uow
        self._cancel = CancelRequest(uow, poster, clock)

    async def __call__(self, request_id: str, customer_id: str) -> RequestStatus:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id)
        if request.status not in (RequestStatus.SCHEDULED, RequestStatus.PAUSED, RequestStatus.CANCELLED):
            raise RequestNotScheduled(details={"status": request.status.value})
        return await self._cancel(request_id, customer_id)

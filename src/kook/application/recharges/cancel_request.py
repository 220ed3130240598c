"""Draft, confirmed-and-not-started or scheduled → cancelled; a held total is released (a repeating
request holds nothing: cancelling it stops its future runs; runs already started go on)."""

from __future__ import annotations

from kook.application.recharges.ledger_keys import release_key
from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import RequestsUnitOfWork
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import RequestStatus


class CancelRequest:
    """Draft, confirmed-and-not-started or scheduled → cancelled; a held total is released (a repeating
    request holds nothing: cancelling it stops its future runs; runs already started go on)."""

    def __init__(self, uow: RequestsUnitOfWork, poster: LedgerPoster, clock: Clock) -> None:
        self._uow = uow
        self._poster = poster
        self._clock = clock

    async def __call__(self, request_id: str, customer_id: str) -> RequestStatus:
        async with self._uow as uow:
            await owned_request(uow, request_id, customer_id)
            await self._poster.lock_wallet(uow.ledger, customer_id)
            request = await owned_request(uow, request_id, customer_id, lock=True)
            if request.status is RequestStatus.CANCELLED:
                return request.status
            before = {"status": request.status.value, "held": request.total_held}
            if request.cancel(self._clock.now()) and request.total_held:
                await self._poster.release(
                    uow.ledger,
                    customer_id,
                    request.total_held,
                    key=release_key(request.id),
                    memo=f"request {request.id}",
                )
            await uow.requests.save(request)
            await uow.lines.set_status(request.id, LineStatus.VALID.value, LineStatus.CANCELLED.value)
            await uow.audit.record(
                actor=customer_id,
                action="request.cancelled",
                subject=request.id,
                before=before,
                after={"status": request.status.value},
            )
            await uow.commit()
            return request.status

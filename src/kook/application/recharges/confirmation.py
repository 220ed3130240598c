"""Summary, final confirmation (the hold) and cancellation (the release) of a request.

Locks in the fixed order: the wallet first, then the request row. The hold
is one posting for the whole total, keyed ``request:{id}:hold``; the request's
own state makes a repeated confirmation answer the same and hold nothing more.
"""

from __future__ import annotations

from kook.application.recharges.request_ports import RequestsUnitOfWork
from kook.application.recharges.requests import owned_request
from kook.application.shared.ports import Clock
from kook.application.wallet.ledger_poster import LedgerPoster
from kook.domain.recharges.request import (
    InvalidLines,
    LineStatus,
    RequestStatus,
    Summary,
)
from kook.domain.shared.errors import ValidationFailed
from kook.domain.wallet.ledger import InsufficientFunds


def hold_key(request_id: str) -> str:
    return f"request:{request_id}:hold"


def release_key(request_id: str) -> str:
    return f"request:{request_id}:release"


class SummarizeRequest:
    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str) -> Summary:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id)
            counts = await uow.lines.counts(request.id)
            by_product = await uow.lines.totals(request.id)
            wallet = await uow.ledger.wallet(customer_id)
        return Summary(
            lines=counts.total,
            valid=counts.valid + counts.pending,
            invalid=counts.invalid,
            total=sum(p.total for p in by_product),
            by_product=by_product,
            available=wallet.available if wallet is not None else 0,
        )


class ConfirmRequest:
    def __init__(self, uow: RequestsUnitOfWork, poster: LedgerPoster, clock: Clock) -> None:
        self._uow = uow
        self._poster = poster
        self._clock = clock

    async def __call__(self, request_id: str, customer_id: str) -> RequestStatus:
        async with self._uow as uow:
            await owned_request(uow, request_id, customer_id)  # not_found before any lock
            wallet = await self._poster.lock_wallet(uow.ledger, customer_id)
            request = await owned_request(uow, request_id, customer_id, lock=True)
            if request.status is RequestStatus.CONFIRMED:
                return request.status  # already confirmed: the same answer, nothing more held
            request.ensure_draft()
            counts = await uow.lines.counts(request.id)
            if counts.invalid:
                raise InvalidLines(counts.invalid)
            if not counts.valid:
                raise ValidationFailed({"lines": "required"})
            total = sum(p.total for p in await uow.lines.totals(request.id))
            if wallet.available < total:
                raise InsufficientFunds(shortfall=total - wallet.available)
            await self._poster.hold(
                uow.ledger, customer_id, total, key=hold_key(request.id), memo=f"request {request.id}"
            )
            request.confirm(total, self._clock.now())
            await uow.requests.save(request)
            await uow.lines.set_status(request.id, LineStatus.VALID.value, LineStatus.PENDING.value)
            await uow.audit.record(
                actor=customer_id, action="request.confirmed", subject=request.id, after={"total": total}
            )
            await uow.commit()
            return request.status


class CancelRequest:
    """Draft or confirmed-and-not-started → cancelled; a confirmed request's hold is released."""

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
            if request.cancel(self._clock.now()) and request.total_held:
                await self._poster.release(
                    uow.ledger,
                    customer_id,
                    request.total_held,
                    key=release_key(request.id),
                    memo=f"request {request.id}",
                )
            await uow.requests.save(request)
            await uow.lines.set_status(request.id, LineStatus.PENDING.value, LineStatus.CANCELLED.value)
            await uow.lines.set_status(request.id, LineStatus.VALID.value, LineStatus.CANCELLED.value)
            await uow.commit()
            return request.status

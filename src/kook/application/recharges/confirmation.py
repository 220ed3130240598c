"""Summary, final confirmation (the hold) and cancellation (the release) of a request.

Locks in the fixed order: the wallet first, then the request row. The hold
is one posting for the whole total, keyed ``request:{id}:hold``; the request's
own state makes a repeated confirmation answer the same and hold nothing more.

Confirmation may carry a plan (SPEC §7): ``schedule_at`` → the total is held now and
the request waits, ``scheduled``, until ``StartDueRequests`` starts it; ``repeat`` →
nothing is held now, each run holds its own money when it starts.
"""

from __future__ import annotations

from kook.application.fulfilment.ports import FulfilmentConfig
from kook.application.fulfilment.run import dispatch_runs
from kook.application.recharges.request_ports import RequestsUnitOfWork
from kook.application.recharges.requests import owned_request
from kook.application.shared.ports import Clock, Dispatcher
from kook.application.wallet.ledger_poster import LedgerPoster
from kook.domain.customers.members import ApprovalStale
from kook.domain.recharges.request import (
    InvalidLines,
    LineStatus,
    RequestStatus,
    Summary,
)
from kook.domain.recharges.schedule import Plan, plan
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
            valid=counts.valid + counts.pending + counts.fulfilment,
            invalid=counts.invalid,
            total=sum(p.total for p in by_product),
            by_product=by_product,
            available=wallet.available if wallet is not None else 0,
        )


class ConfirmRequest:
    """Draft → confirmed: the total held in one posting; the waiting lines are the work.

    No line row is touched (a waiting line of a confirmed request *is* pending),
    so confirming 100,000 lines is a few statements. After the commit the run
    is dispatched; if that enqueue is lost, the sweeper dispatches it again.
    """

    def __init__(
        self,
        uow: RequestsUnitOfWork,
        poster: LedgerPoster,
        clock: Clock,
        dispatcher: Dispatcher,
        config: FulfilmentConfig,
    ) -> None:
        self._uow = uow
        self._poster = poster
        self._clock = clock
        self._dispatcher = dispatcher
        self._config = config

    async def __call__(
        self,
        request_id: str,
        customer_id: str,
        schedule_at: object = None,
        repeat: object = None,
        *,
        expected_total: int | None = None,
    ) -> RequestStatus:
        """``schedule_at``/``repeat``: as typed (see ``schedule.plan``); both empty = run now.
        ``expected_total``: the total another member approved; a different total now → ``approval_stale``."""
        chosen = plan(schedule_at, repeat, self._clock.now())
        status = await self._confirm(request_id, customer_id, chosen, expected_total)
        if status is not None:
            return status  # already confirmed (or further on): the same answer, nothing more held
        if chosen is not None:
            return RequestStatus.SCHEDULED
        dispatch_runs(self._dispatcher, request_id, self._config.parallel_runs)
        return RequestStatus.CONFIRMED

    async def _confirm(
        self, request_id: str, customer_id: str, chosen: Plan | None, expected_total: int | None = None
    ) -> RequestStatus | None:
        async with self._uow as uow:
            await owned_request(uow, request_id, customer_id)  # not_found before any lock
            wallet = await self._poster.lock_wallet(uow.ledger, customer_id)
            request = await owned_request(uow, request_id, customer_id, lock=True)
            if request.status not in (RequestStatus.DRAFT, RequestStatus.CANCELLED):
                return request.status
            request.ensure_draft()
            counts = await uow.lines.counts(request.id)
            if counts.invalid:
                raise InvalidLines(counts.invalid)
            if not counts.valid:
                raise ValidationFailed({"lines": "required"})
            total = sum(p.total for p in await uow.lines.totals(request.id))
            if expected_total is not None and total != expected_total:
                raise ApprovalStale(details={"approved": expected_total, "total": total})
            repeating = chosen is not None and chosen.repeat is not None
            if not repeating:
                if wallet.available < total:
                    raise InsufficientFunds(shortfall=total - wallet.available)
                await self._poster.hold(
                    uow.ledger, customer_id, total, key=hold_key(request.id), memo=f"request {request.id}"
                )
            after: dict[str, object] = {"total": total}
            if chosen is None:
                request.confirm(total, self._clock.now())
            else:
                request.schedule(total, chosen, self._clock.now())
                after["next_run_at"] = chosen.first_run.isoformat()
                if chosen.repeat is not None:
                    after["repeat"] = chosen.repeat.to_json()
            await uow.requests.save(request)
            await uow.audit.record(
                actor=customer_id,
                action="request.scheduled" if chosen is not None else "request.confirmed",
                subject=request.id,
                after=after,
            )
            await uow.commit()
            return None


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

"""Draft → confirmed: the total held in one posting; the waiting lines are the work."""

from __future__ import annotations

from kook.application.recharges.ledger_keys import hold_key
from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import FulfilmentStarter, RequestsUnitOfWork
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock
from kook.domain.customers.members import ApprovalStale
from kook.domain.recharges.request import InvalidLines, RequestStatus
from kook.domain.recharges.schedule import Plan, plan
from kook.domain.shared.errors import ValidationFailed
from kook.domain.wallet.ledger import InsufficientFunds


class ConfirmRechargeRequest:
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
        fulfilment: FulfilmentStarter,
    ) -> None:
        self._uow = uow
        self._poster = poster
        self._clock = clock
        self._fulfilment = fulfilment

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
        self._fulfilment.start(request_id)
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

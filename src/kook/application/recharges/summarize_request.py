"""Summary, final confirmation (the hold) and cancellation (the release) of a request."""

from __future__ import annotations

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import RequestsUnitOfWork
from kook.domain.recharges.request import Summary


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

"""The customer's invoice of a finished request with something delivered; otherwise ``NotFound``."""

from __future__ import annotations

import structlog

from kook.application.reporting.ports import InvoiceBook, InvoicePolicy
from kook.application.shared.ports import Clock
from kook.domain.invoicing.invoice import Invoice, Party, invoice_year, order_groups, split_vat
from kook.domain.shared.errors import NotFound

log = structlog.get_logger(__name__)


class GetInvoice:
    """The customer's invoice of a finished request with something delivered; otherwise ``NotFound``."""

    def __init__(self, book: InvoiceBook, policy: InvoicePolicy, clock: Clock) -> None:
        self._book = book
        self._policy = policy
        self._clock = clock

    async def __call__(self, customer_id: str, request_id: str) -> Invoice:
        found = await self._book.request(customer_id, request_id)
        if found is None or found.customer_id != customer_id or not found.finished or found.finished_at is None:
            raise NotFound()
        groups = order_groups(await self._book.sold_groups(request_id))
        if not groups:
            raise NotFound()
        number = await self._book.issued(request_id)
        if number is None:
            number = await self._book.issue(
                request_id, customer_id, invoice_year(found.finished_at), self._policy.vat_percent, self._clock.now()
            )
        buyer = await self._book.buyer(customer_id) or Party(kind="natural", name="", national_id="")
        total = sum(g.amount for g in groups)
        if total != found.settled:  # the delivered lines are what is sold; the ledger should say the same
            log.error("invoice_total_differs_from_settled", request_id=request_id, lines=total, settled=found.settled)
        return Invoice(
            number=number,
            request_id=found.id,
            request_name=found.name,
            date=found.finished_at,
            seller=self._policy.seller,
            buyer=buyer,
            groups=groups,
            amounts=split_vat(total, number.vat_percent),
        )

"""Ports of the accountant's papers: invoices of finished requests and monthly wallet statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.domain.invoicing.invoice import IssuedNumber, Party, SoldGroup
from kook.domain.invoicing.statement import Balance, Movement


@dataclass(frozen=True, slots=True)
class InvoicedRequest:
    """What an invoice needs of a bulk request."""

    id: str
    customer_id: str
    name: str
    finished: bool  # completed or completed_with_failures
    finished_at: datetime | None
    settled: int  # rials settled to operators


@dataclass(frozen=True, slots=True)
class InvoicePolicy:
    seller: Party
    vat_percent: int


class InvoiceBook(Protocol):
    async def request(self, customer_id: str, request_id: str) -> InvoicedRequest | None:
        """The customer's request (None when missing or another customer's)."""
        ...

    async def sold_groups(self, request_id: str) -> list[SoldGroup]:
        """The succeeded lines grouped by product, operator and unit price."""
        ...

    async def buyer(self, customer_id: str) -> Party | None: ...

    async def issued(self, request_id: str) -> IssuedNumber | None: ...

    async def issue(
        self, request_id: str, customer_id: str, year: int, vat_percent: int, now: datetime
    ) -> IssuedNumber:
        """The request's number: the one already issued, or the year's next, in one transaction that
        holds the year's counter locked (gapless, never repeated)."""
        ...


class StatementReader(Protocol):
    async def balance_before(self, customer_id: str, moment: datetime) -> Balance:
        """The sum of every posting to the wallet before ``moment``."""
        ...

    async def movements(self, customer_id: str, start: datetime, end: datetime) -> list[Movement]:
        """The wallet's journal entries in [start, end), oldest first."""
        ...

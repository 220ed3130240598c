"""Ports of bulk requests (SPEC §7): requests, their lines and uploads, in one unit of work with the ledger."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kook.application.shared.ports import AuditLog
from kook.application.shared.unit_of_work import UnitOfWork
from kook.application.wallet.ports import LedgerRepository
from kook.domain.recharges.request import LineDraft, ProductTotal, Request


@dataclass(frozen=True, slots=True)
class LineView:
    id: int
    request_id: str
    upload_id: str | None
    source_row: int | None
    mobile: str
    operator: int | None
    ported: bool
    product: str
    amount: int | None
    package_code: str | None
    package_title: str | None
    price: int
    status: str
    error_column: str | None
    error_code: str | None
    duplicate: bool
    cells: list[object] | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UploadRecord:
    id: str
    request_id: str
    customer_id: str
    kind: str
    filename: str
    rows: int
    valid: int
    invalid: int
    duplicates: int
    headers: list[str]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LineCounts:
    valid: int = 0
    invalid: int = 0
    pending: int = 0
    cancelled: int = 0
    duplicates: int = 0
    fulfilment: int = 0  # sending, succeeded, failed or unknown

    @property
    def total(self) -> int:
        return self.valid + self.invalid + self.pending + self.cancelled + self.fulfilment


LineCursor = tuple[int, int]  # (0 invalid phase | 1 the rest, last id)


class RequestRepository(Protocol):
    async def add(self, request: Request) -> None: ...
    async def get(self, request_id: str, customer_id: str, *, for_update: bool = False) -> Request | None: ...
    async def save(self, request: Request) -> None: ...
    async def delete(self, request_id: str) -> None:
        """The request with its lines and uploads."""
        ...

    async def for_customer(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[Request]: ...

    async def names(self, customer_id: str, request_ids: Collection[str]) -> dict[str, str]:
        """The name of each of the customer's requests found among ``request_ids``."""
        ...


class LineRepository(Protocol):
    async def add_many(
        self, request: Request, upload_id: str | None, lines: Sequence[LineDraft], now: datetime
    ) -> list[int]:
        """Insert in bulk; the new ids only when a single line is added (else empty)."""
        ...

    async def get(self, request_id: str, line_id: int) -> LineView | None: ...
    async def replace(self, line_id: int, line: LineDraft) -> None: ...
    async def delete(self, request_id: str, line_id: int) -> bool: ...
    async def page(
        self, request_id: str, *, status: str | None, after: LineCursor | None, limit: int
    ) -> list[tuple[LineCursor, LineView]]:
        """Invalid lines first, then the rest, each by id (or only ``status`` when given)."""
        ...

    async def valid_mobiles(self, request_id: str, *, excluding: int | None = None) -> set[str]: ...
    async def counts(self, request_id: str) -> LineCounts: ...
    async def totals(self, request_id: str) -> list[ProductTotal]:
        """Valid lines grouped by product (airtime, each package code)."""
        ...

    async def set_status(self, request_id: str, old: str, new: str) -> int: ...
    async def invalid_of_upload(self, request_id: str, upload_id: str) -> list[LineView]: ...


class UploadRepository(Protocol):
    async def add(self, upload: UploadRecord) -> None: ...
    async def get(self, request_id: str, upload_id: str) -> UploadRecord | None: ...


class RequestsUnitOfWork(UnitOfWork, Protocol):
    audit: AuditLog
    requests: RequestRepository
    lines: LineRepository
    uploads: UploadRepository
    ledger: LedgerRepository

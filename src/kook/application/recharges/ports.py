"""The first visible sheet: ``rows[i]`` is sheet row ``i + 1`` (1-based, as Excel shows it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kook.application.shared.ports import AuditLog, LedgerRepository, RequestRepository, UnitOfWork
from kook.domain.recharges import sheet_rows
from kook.domain.recharges.line import LineDraft
from kook.domain.recharges.request import ProductTotal, Request

Cell = sheet_rows.Cell  # one definition of a sheet's cell: the domain's


@dataclass(frozen=True)
class Grid:
    """The first visible sheet: ``rows[i]`` is sheet row ``i + 1`` (1-based, as Excel shows it)."""

    rows: Sequence[Sequence[Cell]]


class SheetReader(Protocol):
    def read(self, content: bytes, filename: str | None = None) -> Grid:
        """Raises DomainError with code file_not_spreadsheet, file_encrypted,
        file_too_large, too_many_rows or file_bomb — and nothing is read past that."""
        ...


@dataclass(frozen=True)
class ErrorRow:
    row: int
    cells: Sequence[Cell]  # the row as uploaded
    column: str | None
    code: str
    message: str  # Persian


class WorkbookWriter(Protocol):
    def error_workbook(self, headers: Sequence[str], rows: Sequence[ErrorRow]) -> bytes:
        """The rejected rows as uploaded, with «خطا» columns added (ready to fix and upload again)."""
        ...

    def sample(self, kind: str) -> bytes:
        """The sample file for ``topup`` or ``package``: Persian headers, example rows, an instructions sheet."""
        ...


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


NOT_FUNDED = "not_funded"


SKIPPED = "skipped"


REMINDER = "reminder"


@dataclass(frozen=True, slots=True)
class RunNote:
    """One occurrence of a repeating request that made no run of its own, or a reminder before one; a
    notice (``title``/``body``/``sms``) is told once, keyed by (parent, occurrence, kind)."""

    parent_id: str
    run_at: datetime
    kind: str  # NOT_FUNDED | SKIPPED | REMINDER
    customer_id: str
    run_number: int
    total: int = 0
    available: int = 0
    title: str = ""
    body: str = ""
    sms: str | None = None

    @property
    def missing(self) -> int:
        return max(0, self.total - self.available)


@dataclass(frozen=True, slots=True)
class StartedRun:
    """A run that started: its own request, outcome counts (lines) and money (rials)."""

    number: int
    request_id: str
    status: str
    started_at: datetime
    lines: int
    pending: int
    succeeded: int
    failed: int
    unknown: int
    total: int
    settled: int
    released: int
    held: int


class ScheduleRepository(Protocol):
    async def due(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        """(request id, customer id) of scheduled requests whose next run is at or before ``now``, oldest first."""
        ...

    async def run_of(self, parent_id: str, run_number: int) -> str | None:
        """The id of the run already made for that occurrence, if any."""
        ...

    async def copy_lines(self, template: Request, run: Request, now: datetime) -> int:
        """The template's valid lines, copied as the run's waiting lines; how many."""
        ...

    async def note(self, note: RunNote, now: datetime, *, claim: bool) -> bool:
        """Record ``note`` unless that (parent, occurrence, kind) is recorded already (→ False). ``claim``:
        the caller tells it now (claimed); a note with nothing to tell is recorded as told."""
        ...

    async def claim_unsent(self, now: datetime, lease: timedelta, limit: int) -> list[RunNote]:
        """Notices not told whose teller's claim is older than ``lease`` (or never claimed), claimed now;
        each is claimed by one caller only."""
        ...

    async def mark_sent(self, note: RunNote, now: datetime) -> None: ...

    async def notes_of(self, parent_id: str) -> list[RunNote]:
        """The occurrences of ``parent_id`` that made no run (not funded, skipped), oldest first."""
        ...

    async def reminder_due(self, now: datetime, horizon: datetime, limit: int) -> list[tuple[str, str]]:
        """(request id, customer id) of scheduled repeating requests whose next run is after ``now`` and at
        or before ``horizon`` and whose reminder for that run is not recorded."""
        ...

    async def started_runs(self, parent_id: str) -> list[StartedRun]:
        """The runs made from ``parent_id``, by number."""
        ...

    async def scheduled_of(self, customer_id: str) -> list[Request]:
        """The customer's scheduled requests (one-off and repeating)."""
        ...


class SchedulesUnitOfWork(RequestsUnitOfWork, Protocol):
    schedules: ScheduleRepository


class FulfilmentStarter(Protocol):
    """The dispatch port: asks fulfilment to carry out a confirmed request.

    Implemented by ``kook.application.fulfilment.dispatch_runs.DispatchRuns`` (wired in ``entrypoints/ioc``):
    it enqueues the request's runs and never raises; a lost enqueue is found again by the sweeper.
    """

    def start(self, request_id: str) -> None: ...

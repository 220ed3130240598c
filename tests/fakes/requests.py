"""In-memory requests, lines and uploads, sharing one snapshot transaction with the fake ledger."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from kook.application.recharges.ports import (
    Grid,
    LineCounts,
    LineCursor,
    LineRepository,
    LineView,
    RequestsUnitOfWork,
    SheetReader,
    UploadRecord,
    UploadRepository,
)
from kook.application.shared.ports import AuditLog, LedgerRepository, RequestRepository
from kook.domain.recharges.line import LineDraft
from kook.domain.recharges.request import ProductTotal, Request
from kook.domain.shared.errors import DomainError
from tests.fakes.snapshot import SnapshotUnitOfWork
from tests.fakes.wallet import FakeAudit, FakeLedgerRepository, _State


@dataclass
class RequestsState:
    money: _State = field(default_factory=_State)
    requests: dict[str, Request] = field(default_factory=dict)
    lines: dict[int, LineView] = field(default_factory=dict)
    uploads: dict[str, UploadRecord] = field(default_factory=dict)
    next_id: int = 1
    # runs of repeating requests: (parent, occurrence, kind) -> [note, claimed_at, sent_at]
    run_log: dict[tuple[str, datetime, str], list[object]] = field(default_factory=dict)


class FakeRequestRepository(RequestRepository):
    def __init__(self, state: RequestsState) -> None:
        self.state = state

    async def add(self, request: Request) -> None:
        self.state.requests[request.id] = copy.copy(request)

    async def get(self, request_id: str, customer_id: str, *, for_update: bool = False) -> Request | None:
        found = self.state.requests.get(request_id)
        return copy.copy(found) if found is not None and found.customer_id == customer_id else None

    async def save(self, request: Request) -> None:
        self.state.requests[request.id] = copy.copy(request)

    async def delete(self, request_id: str) -> None:
        self.state.requests.pop(request_id)
        self.state.lines = {k: v for k, v in self.state.lines.items() if v.request_id != request_id}

    async def for_customer(self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int) -> list[Request]:
        found = [r for r in self.state.requests.values() if r.customer_id == customer_id]
        return sorted(found, key=lambda r: (r.created_at, r.id), reverse=True)[:limit]

    async def names(self, customer_id: str, request_ids: Collection[str]) -> dict[str, str]:
        wanted = set(request_ids)
        return {r.id: r.name for r in self.state.requests.values() if r.id in wanted and r.customer_id == customer_id}


def _view(line_id: int, request: Request, upload_id: str | None, line: LineDraft, now: datetime) -> LineView:
    return LineView(
        id=line_id,
        request_id=request.id,
        upload_id=upload_id,
        source_row=line.source_row,
        mobile=line.mobile,
        operator=line.operator,
        ported=line.ported,
        product=line.product.value,
        amount=line.amount,
        package_code=line.package_code,
        package_title=line.package_title,
        price=line.price,
        status=line.status.value,
        error_column=line.error_column,
        error_code=line.error_code,
        duplicate=line.duplicate,
        cells=line.cells,
        created_at=now,
    )


class FakeLineRepository(LineRepository):
    def __init__(self, state: RequestsState) -> None:
        self.state = state

    def _of(self, request_id: str) -> list[LineView]:
        return sorted((v for v in self.state.lines.values() if v.request_id == request_id), key=lambda v: v.id)

    async def add_many(
        self, request: Request, upload_id: str | None, lines: Sequence[LineDraft], now: datetime
    ) -> list[int]:
        ids = []
        for line in lines:
            line_id = self.state.next_id
            self.state.next_id += 1
            self.state.lines[line_id] = _view(line_id, request, upload_id, line, now)
            ids.append(line_id)
        return ids if len(ids) == 1 else []

    async def get(self, request_id: str, line_id: int) -> LineView | None:
        found = self.state.lines.get(line_id)
        return found if found is not None and found.request_id == request_id else None

    async def replace(self, line_id: int, line: LineDraft) -> None:
        old = self.state.lines[line_id]
        request = self.state.requests[old.request_id]
        self.state.lines[line_id] = _view(line_id, request, old.upload_id, line, old.created_at)

    async def delete(self, request_id: str, line_id: int) -> bool:
        if await self.get(request_id, line_id) is None:
            return False
        del self.state.lines[line_id]
        return True

    async def page(
        self, request_id: str, *, status: str | None, after: LineCursor | None, limit: int
    ) -> list[tuple[LineCursor, LineView]]:
        lines = self._of(request_id)
        if status is not None:
            ordered = [((1, v.id), v) for v in lines if v.status == status]
        else:
            ordered = [((0, v.id), v) for v in lines if v.status == "invalid"]
            ordered += [((1, v.id), v) for v in lines if v.status != "invalid"]
        if after is not None:
            ordered = [item for item in ordered if item[0] > after]
        return ordered[:limit]

    async def valid_mobiles(self, request_id: str, *, excluding: int | None = None) -> set[str]:
        return {v.mobile for v in self._of(request_id) if v.status == "valid" and v.id != excluding}

    async def counts(self, request_id: str) -> LineCounts:
        lines = self._of(request_id)

        def count(status: str) -> int:
            return sum(1 for v in lines if v.status == status)

        return LineCounts(
            valid=count("valid"),
            invalid=count("invalid"),
            pending=count("pending"),
            cancelled=count("cancelled"),
            duplicates=sum(1 for v in lines if v.duplicate),
        )

    async def totals(self, request_id: str) -> list[ProductTotal]:
        groups: dict[str, list[LineView]] = {}
        for v in self._of(request_id):
            if v.status in ("valid", "pending"):
                groups.setdefault(v.package_code or "airtime", []).append(v)
        return [
            ProductTotal(key, group[0].package_title, len(group), sum(v.price for v in group))
            for key, group in sorted(groups.items())
        ]

    async def set_status(self, request_id: str, old: str, new: str) -> int:
        changed = [v for v in self._of(request_id) if v.status == old]
        for v in changed:
            self.state.lines[v.id] = replace(v, status=new)
        return len(changed)

    async def invalid_of_upload(self, request_id: str, upload_id: str) -> list[LineView]:
        return [v for v in self._of(request_id) if v.status == "invalid" and v.upload_id == upload_id]


class FakeUploadRepository(UploadRepository):
    def __init__(self, state: RequestsState) -> None:
        self.state = state

    async def add(self, upload: UploadRecord) -> None:
        self.state.uploads[upload.id] = upload

    async def get(self, request_id: str, upload_id: str) -> UploadRecord | None:
        found = self.state.uploads.get(upload_id)
        return found if found is not None and found.request_id == request_id else None


class FakeRequestsUnitOfWork(SnapshotUnitOfWork[RequestsState], RequestsUnitOfWork):
    """Transactions by snapshot: what is not committed is thrown away."""

    requests: RequestRepository
    lines: LineRepository
    uploads: UploadRepository
    ledger: LedgerRepository
    audit: AuditLog

    def __init__(self) -> None:
        super().__init__(RequestsState())

    def _bind(self, state: RequestsState) -> None:
        self.requests = FakeRequestRepository(state)
        self.lines = FakeLineRepository(state)
        self.uploads = FakeUploadRepository(state)
        self.ledger = FakeLedgerRepository(state.money)
        self.audit = FakeAudit(state.money)

    def held(self, customer_id: str) -> tuple[int, int]:
        wallet = self.committed.money.wallets.get(customer_id)
        return (wallet.available, wallet.held) if wallet is not None else (0, 0)

    def entries(self, kind: str) -> list[str]:
        return [key for key, entry in self.committed.money.entries.items() if entry.kind == kind]


class FakeSheetReader(SheetReader):
    """Answers the grid it was given, or refuses the file with the code it was given."""

    def __init__(self, rows: Sequence[Sequence[object]] = (), refuse: str | None = None) -> None:
        self.rows = rows
        self.refuse = refuse
        self.reads = 0

    def read(self, content: bytes, filename: str | None = None) -> Grid:
        self.reads += 1
        if self.refuse is not None:
            raise DomainError(self.refuse)
        return Grid(rows=[tuple(row) for row in self.rows])  # type: ignore[arg-type]

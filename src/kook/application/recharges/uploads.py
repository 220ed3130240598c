"""Spreadsheet uploads into a draft request (SPEC §7, Uploads).

The file is read whole by the ``SheetReader`` port (which refuses hostile or
oversized files before anything is added), the grid becomes rows by the
domain's header rules, and every row becomes a line — invalid ones with their
reason. All lines of an upload are inserted in bulk in one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from kook.application.catalog.operators import LoadPriceList
from kook.application.recharges.request_ports import LineView, RequestsUnitOfWork, UploadRecord
from kook.application.recharges.requests import owned_request
from kook.application.recharges.sheets import Cell, SheetReader
from kook.application.routing.look_up_operator import LoadPrefixTable
from kook.application.shared.ports import Clock
from kook.domain.catalog.product import PriceList
from kook.domain.recharges.request import LineDraft, RequestKind, check_kind, check_line, flag_duplicates
from kook.domain.routing.operator import Operator, parse_optional_operator
from kook.domain.routing.prefix_table import PrefixTable
from kook.domain.shared.errors import DomainError, NotFound, ValidationFailed
from kook.domain.shared.ids import new_id

DEFAULT_HEADERS = {
    RequestKind.TOPUP: ["شماره موبایل", "مبلغ", "اپراتور"],
    RequestKind.PACKAGE: ["شماره موبایل", "اپراتور"],
}


class SheetRowLike(Protocol):
    @property
    def row(self) -> int: ...
    @property
    def mobile(self) -> Cell: ...
    @property
    def amount(self) -> Cell: ...
    @property
    def operator(self) -> Cell: ...
    @property
    def cells(self) -> Sequence[Cell]: ...


RowsFromGrid = Callable[[Sequence[Sequence[Cell]], str], Sequence[SheetRowLike]]


@dataclass(frozen=True)
class UploadCommand:
    customer_id: str
    request_id: str
    content: bytes
    filename: str | None
    kind: object
    operator: object = None
    package_code: object = None


@dataclass(frozen=True)
class UploadResult:
    upload_id: str
    rows: int
    valid: int
    invalid: int
    duplicates: int


class UploadNotFound(NotFound):
    code = "not_found"


class ImportUpload:
    def __init__(
        self,
        uow: RequestsUnitOfWork,
        reader: SheetReader,
        rows_from_grid: RowsFromGrid,
        load_table: LoadPrefixTable,
        load_prices: LoadPriceList,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._reader = reader
        self._rows_from_grid = rows_from_grid
        self._load_table = load_table
        self._load_prices = load_prices
        self._clock = clock

    async def __call__(self, command: UploadCommand) -> UploadResult:
        kind = check_kind(command.kind)
        async with self._uow as uow:
            (await owned_request(uow, command.request_id, command.customer_id)).ensure_draft()
        prices = await self._load_prices()
        package_code: str | None = None
        chosen: Operator | None = None
        if kind is RequestKind.PACKAGE:
            try:
                chosen = parse_optional_operator(command.operator)
            except DomainError:
                raise ValidationFailed({"operator": "operator_code_invalid"}) from None
            if chosen is None:
                raise ValidationFailed({"operator": "required"})
            if not isinstance(command.package_code, str) or not command.package_code.strip():
                raise ValidationFailed({"package_code": "required"})
            snapshot = prices.package(command.package_code)  # package_not_found / package_inactive
            if snapshot.operator != chosen:
                raise ValidationFailed({"package_code": "operator_mismatch"})
            package_code = snapshot.code
        table = await self._load_table()
        # Reading and checking 100,000 rows is CPU work: off the event loop, in one thread.
        drafts, headers = await asyncio.to_thread(
            self._read_and_check, command, kind, table, prices, package_code, chosen
        )
        now = self._clock.now()
        async with self._uow as uow:
            request = await owned_request(uow, command.request_id, command.customer_id, lock=True)
            request.ensure_draft()
            duplicates = flag_duplicates(drafts, await uow.lines.valid_mobiles(request.id))
            invalid = sum(1 for d in drafts if not d.valid)
            upload = UploadRecord(
                id=new_id(),
                request_id=request.id,
                customer_id=request.customer_id,
                kind=kind.value,
                filename=(command.filename or "")[:255],
                rows=len(drafts),
                valid=len(drafts) - invalid,
                invalid=invalid,
                duplicates=duplicates,
                headers=headers,
                created_at=now,
            )
            await uow.uploads.add(upload)
            await uow.lines.add_many(request, upload.id, drafts, now)
            await uow.commit()
        return UploadResult(upload.id, upload.rows, upload.valid, upload.invalid, upload.duplicates)

    def _read_and_check(
        self,
        command: UploadCommand,
        kind: RequestKind,
        table: PrefixTable,
        prices: PriceList,
        package_code: str | None,
        chosen: Operator | None,
    ) -> tuple[list[LineDraft], list[str]]:
        grid = self._reader.read(command.content, command.filename)
        rows = self._rows_from_grid(grid.rows, kind.value)
        drafts: list[LineDraft] = []
        for row in rows:
            line = check_line(
                table,
                prices,
                mobile=row.mobile,
                operator=row.operator,
                amount=row.amount if package_code is None else None,
                package_code=package_code,
                package_operator=chosen,
            )
            line.source_row = row.row
            if not line.valid:
                line.cells = list(row.cells)
            drafts.append(line)
        has_header = bool(rows) and rows[0].row > 1 and bool(grid.rows)
        headers = [("" if c is None else str(c)) for c in grid.rows[0]] if has_header else DEFAULT_HEADERS[kind]
        return drafts, headers


class UploadErrors:
    """The rejected rows of one upload (still invalid), with the upload's headers."""

    def __init__(self, uow: RequestsUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str, upload_id: str) -> tuple[list[str], list[LineView]]:
        async with self._uow as uow:
            await owned_request(uow, request_id, customer_id)
            upload = await uow.uploads.get(request_id, upload_id)
            if upload is None:
                raise UploadNotFound()
            return upload.headers, await uow.lines.invalid_of_upload(request_id, upload_id)

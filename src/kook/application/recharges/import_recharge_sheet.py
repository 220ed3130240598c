"""Spreadsheet uploads into a draft request (SPEC §7, Uploads)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import RequestsUnitOfWork, SheetReader, UploadRecord
from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.application.shared.load_price_list import LoadPriceList
from kook.application.shared.ports import Clock
from kook.domain.catalog.product import PriceList
from kook.domain.recharges.line import check_rows, flag_duplicates
from kook.domain.recharges.request import RequestKind, SheetEmpty, check_kind
from kook.domain.recharges.sheet_rows import SheetRow, rows_from_grid
from kook.domain.routing.operator import Operator, parse_optional_operator
from kook.domain.routing.prefix_table import PrefixTable
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.ids import new_id
from kook.domain.shared.text import TEXT_INVALID, has_forbidden_characters, strip_invisible

DEFAULT_HEADERS = {
    RequestKind.TOPUP: ["شماره موبایل", "مبلغ", "اپراتور"],
    RequestKind.PACKAGE: ["شماره موبایل", "اپراتور"],
}


_BATCH = 10_000  # lines checked and stored at a time


_collection_paused = 0  # uploads running


_collection_resume = False  # whether the collector was on when the first of them started


_collection_lock = threading.Lock()


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while an upload runs (nested and concurrent uploads share the pause).

    An upload makes some 400,000 small containers (cells, rows, lines, records) and none of them
    forms a cycle; left on, the collector walks the whole heap again and again as they pile up
    (a quarter of a 100,000-row upload's time). Reference counting still frees everything.
    """
    global _collection_paused, _collection_resume
    with _collection_lock:
        _collection_paused += 1
        if _collection_paused == 1:
            _collection_resume = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _collection_lock:
            _collection_paused -= 1
            if _collection_paused == 0 and _collection_resume:
                gc.enable()


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


class ImportRechargeSheet:
    def __init__(
        self,
        uow: RequestsUnitOfWork,
        reader: SheetReader,
        load_table: LoadPrefixTable,
        load_prices: LoadPriceList,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._reader = reader
        self._load_table = load_table
        self._load_prices = load_prices
        self._clock = clock

    async def __call__(self, command: UploadCommand) -> UploadResult:
        kind = check_kind(command.kind)
        if has_forbidden_characters(command.filename or ""):
            raise ValidationFailed({"file": TEXT_INVALID})
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
        with _no_cycle_collection():
            return await self._import(command, kind, prices, table, package_code, chosen)

    async def _import(
        self,
        command: UploadCommand,
        kind: RequestKind,
        prices: PriceList,
        table: PrefixTable,
        package_code: str | None,
        chosen: Operator | None,
    ) -> UploadResult:
        # Reading 100,000 rows is CPU work: off the event loop, in a thread.
        rows, headers = await asyncio.to_thread(self._read, command, kind)
        if not rows:
            raise SheetEmpty()  # nothing is written: no upload record with 0 rows
        check = functools.partial(
            check_rows, table=table, prices=prices, package_code=package_code, package_operator=chosen
        )
        now = self._clock.now()
        async with self._uow as uow:
            request = await owned_request(uow, command.request_id, command.customer_id, lock=True)
            request.ensure_draft()
            seen = await uow.lines.valid_mobiles(request.id)
            upload_id = new_id()
            invalid = duplicates = 0
            # Batches: the next one is checked in a thread while the database stores this one.
            starts = range(0, len(rows), _BATCH)
            pending = [asyncio.ensure_future(asyncio.to_thread(check, rows[at : at + _BATCH])) for at in starts[:1]]
            try:
                for at in starts:
                    drafts = await pending.pop()
                    if at + _BATCH < len(rows):
                        pending.append(
                            asyncio.ensure_future(asyncio.to_thread(check, rows[at + _BATCH : at + 2 * _BATCH]))
                        )
                    duplicates += flag_duplicates(drafts, seen)
                    invalid += sum(1 for d in drafts if not d.valid)
                    await uow.lines.add_many(request, upload_id, drafts, now)
            finally:
                for task in pending:  # a failed batch: let the one in flight finish, its result unused
                    await asyncio.gather(task, return_exceptions=True)
            upload = UploadRecord(
                id=upload_id,
                request_id=request.id,
                customer_id=request.customer_id,
                kind=kind.value,
                filename=strip_invisible(command.filename or "")[:255],
                rows=len(rows),
                valid=len(rows) - invalid,
                invalid=invalid,
                duplicates=duplicates,
                headers=headers,
                created_at=now,
            )
            await uow.uploads.add(upload)
            await uow.commit()
        return UploadResult(upload.id, upload.rows, upload.valid, upload.invalid, upload.duplicates)

    def _read(self, command: UploadCommand, kind: RequestKind) -> tuple[Sequence[SheetRow], list[str]]:
        """The sheet's rows and its headers (the sample's when it has no header row)."""
        grid = self._reader.read(command.content, command.filename)
        rows = rows_from_grid(grid.rows, kind.value)
        has_header = bool(rows) and rows[0].row > 1 and bool(grid.rows)
        headers = [("" if c is None else str(c)) for c in grid.rows[0]] if has_header else DEFAULT_HEADERS[kind]
        return rows, headers

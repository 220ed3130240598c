"""Bulk request use cases with fakes: an upload read through the SheetReader port (no
row lost, a refused file adds nothing), confirmation holding once, cancel releasing."""

from __future__ import annotations

from typing import Any

import pytest

from kook.application.fulfilment.dispatch_runs import DispatchRuns
from kook.application.fulfilment.ports import FulfilmentConfig
from kook.application.recharges.add_line import AddLine
from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.delete_request import DeleteRequest
from kook.application.recharges.import_recharge_sheet import ImportRechargeSheet, UploadCommand
from kook.application.recharges.line_checker import LineInput
from kook.application.recharges.list_lines import ListLines
from kook.application.recharges.list_upload_errors import ListUploadErrors
from kook.application.recharges.rename_request import RenameRequest
from kook.application.recharges.summarize_request import SummarizeRequest
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.application.shared.load_price_list import LoadPriceList
from kook.domain.shared.errors import DomainError
from kook.domain.wallet.ledger import EntryKind, bank_account
from tests.fakes.catalog import FakeCatalogUnitOfWork, seeded_state
from tests.fakes.clock import FakeClock
from tests.fakes.dispatch import RecordingDispatcher
from tests.fakes.requests import FakeRequestsUnitOfWork, FakeSheetReader

ME, OTHER = "c" * 32, "d" * 32


class World:
    def __init__(self, reader: FakeSheetReader | None = None) -> None:
        self.clock = FakeClock()
        self.uow = FakeRequestsUnitOfWork()
        catalog = FakeCatalogUnitOfWork(self.clock, seeded_state())
        self.table = LoadPrefixTable(catalog)
        self.prices = LoadPriceList(catalog)
        self.poster = LedgerPoster(self.clock)
        self.reader = reader or FakeSheetReader()

    def importer(self) -> ImportRechargeSheet:
        return ImportRechargeSheet(self.uow, self.reader, self.table, self.prices, self.clock)

    async def new_request(self, customer_id: str = ME) -> str:
        return (await CreateRequest(self.uow, self.clock)(customer_id, "شارژ", "topup")).id

    async def add(self, request_id: str, **line: Any) -> Any:
        return await AddLine(self.uow, self.table, self.prices, self.clock)(request_id, ME, LineInput(**line))

    async def fund(self, amount: int) -> None:
        async with self.uow as uow:
            await self.poster.credit(uow.ledger, ME, amount, bank_account("t"), key="fund", kind=EntryKind.DEPOSIT)
            await uow.commit()


async def test_an_upload_keeps_every_row_and_flags_duplicates() -> None:
    world = World(
        FakeSheetReader(
            [
                ["مبلغ", " Mobile ", "اپراتور"],
                ["۳۰۰٬۰۰۰", 9121234567, None],
                [None, None, None],
                ["12.5", "09351234567", None],
                [400_000, "09121234567", None],
                [400_000, "", None],
            ]
        )
    )
    request_id = await world.new_request()
    result = await world.importer()(UploadCommand(ME, request_id, b"x", "a.xlsx", "topup"))
    assert (result.rows, result.valid, result.invalid, result.duplicates) == (4, 2, 2, 1)
    page = await ListLines(world.uow)(request_id, ME, status=None, after=None, limit=10)
    assert [(v.source_row, v.status, v.error_code) for _, v in page] == [
        (4, "invalid", "amount_not_whole"),
        (6, "invalid", "mobile_missing"),
        (2, "valid", None),
        (5, "valid", None),
    ]
    headers, rejected = await ListUploadErrors(world.uow)(request_id, ME, result.upload_id)
    assert headers == ["مبلغ", " Mobile ", "اپراتور"]
    assert [v.cells for v in rejected] == [["12.5", "09351234567", None], [400_000, "", None]]


@pytest.mark.parametrize("code", ["file_not_spreadsheet", "file_encrypted", "file_bomb", "too_many_rows"])
async def test_a_refused_file_adds_nothing(code: str) -> None:
    world = World(FakeSheetReader(refuse=code))
    request_id = await world.new_request()
    commits = world.uow.commits
    with pytest.raises(DomainError) as refused:
        await world.importer()(UploadCommand(ME, request_id, b"x", "a.xlsx", "topup"))
    assert refused.value.code == code
    assert world.uow.commits == commits and world.uow.committed.lines == {} and world.uow.committed.uploads == {}


async def test_no_upload_into_a_foreign_or_confirmed_request() -> None:
    world = World(FakeSheetReader([["09121234567", 300_000]]))
    foreign = await world.new_request(OTHER)
    with pytest.raises(DomainError) as missing:
        await world.importer()(UploadCommand(ME, foreign, b"x", None, "topup"))
    assert missing.value.code == "not_found" and world.reader.reads == 0


async def test_confirmation_holds_once_and_cancel_releases_once() -> None:
    world = World()
    request_id = await world.new_request()
    await world.add(request_id, mobile="09121234567", amount=500_000)
    await world.add(request_id, mobile="09351234567", package_code="MTN-1D-1GB")
    confirm = ConfirmRechargeRequest(
        world.uow, world.poster, world.clock, DispatchRuns(RecordingDispatcher(), FulfilmentConfig())
    )
    with pytest.raises(DomainError) as short:
        await confirm(request_id, ME)
    assert short.value.code == "insufficient_funds" and short.value.details == {"shortfall": 675_000}
    assert world.uow.entries(EntryKind.HOLD) == []

    await world.fund(1_000_000)
    summary = await SummarizeRequest(world.uow)(request_id, ME)
    assert (summary.total, summary.available, summary.shortfall) == (675_000, 1_000_000, 0)
    assert [(p.product, p.lines) for p in summary.by_product] == [("MTN-1D-1GB", 1), ("airtime", 1)]
    assert await confirm(request_id, ME) == await confirm(request_id, ME) == "confirmed"
    assert world.uow.entries(EntryKind.HOLD) == [f"request:{request_id}:hold"]
    assert world.uow.held(ME) == (325_000, 675_000)
    with pytest.raises(DomainError) as locked:
        await RenameRequest(world.uow, world.clock)(request_id, ME, "x")
    assert locked.value.code == "request_not_draft"
    with pytest.raises(DomainError):
        await DeleteRequest(world.uow)(request_id, ME)

    cancel = CancelRequest(world.uow, world.poster, world.clock)
    assert await cancel(request_id, ME) == await cancel(request_id, ME) == "cancelled"
    assert world.uow.entries(EntryKind.RELEASE) == [f"request:{request_id}:release"]
    assert world.uow.held(ME) == (1_000_000, 0)


async def test_invalid_lines_block_confirmation_with_their_count() -> None:
    world = World()
    request_id = await world.new_request()
    await world.fund(1_000_000)
    bad = await world.add(request_id, mobile="0912", amount=300_000)
    assert bad.status == "invalid" and bad.error_code == "mobile_invalid"
    with pytest.raises(DomainError) as refused:
        await ConfirmRechargeRequest(
            world.uow, world.poster, world.clock, DispatchRuns(RecordingDispatcher(), FulfilmentConfig())
        )(request_id, ME)
    assert refused.value.code == "invalid_lines" and refused.value.details == {"count": 1}
    assert world.uow.held(ME) == (1_000_000, 0)

"""Confirmation and cancellation on real PostgreSQL: fifty parallel confirmations of
one request hold the money once, in one posting; a cancel releases it once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dishka import AsyncContainer

from kook.application.recharges.add_line import AddLine
from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.line_checker import LineInput
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.wallet.get_wallet import GetWallet
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.verify_ledger import VerifyLedger
from kook.domain.shared.errors import DomainError
from kook.domain.wallet.ledger import EntryKind, bank_account
from kook.entrypoints.ioc.containers import make_http_container
from tests.integration.conftest import _clean_pg, _off_loop, base_env

CUSTOMER = "c" * 32


@pytest.fixture
async def world(migrated_pg: str, redis_url: str, tmp_path: Path) -> AsyncIterator[AsyncContainer]:
    from kook.entrypoints.settings import load_settings

    _off_loop(lambda: asyncio.run(_clean_pg(migrated_pg)))
    settings = load_settings(base_env(tmp_path) | {"KOOK_DATABASE_URL": migrated_pg, "KOOK_REDIS_URL": redis_url})
    container = make_http_container(settings)
    yield container
    await container.close()


async def call(container: AsyncContainer, use_case: type[Any], *args: Any) -> Any:
    async with container() as scope:
        return await (await scope.get(use_case))(*args)


async def credit(container: AsyncContainer, amount: int) -> None:
    async with container() as scope:
        uow = await scope.get(WalletUnitOfWork)
        poster = await scope.get(LedgerPoster)
        async with uow:
            await poster.credit(uow.ledger, CUSTOMER, amount, bank_account("test"), key="seed", kind=EntryKind.DEPOSIT)
            await uow.commit()


async def a_request(container: AsyncContainer) -> str:
    request = await call(container, CreateRequest, CUSTOMER, "پنجاه تأیید", "topup")
    for n in range(3):
        await call(container, AddLine, request.id, CUSTOMER, LineInput(mobile=f"0912000000{n}", amount=400_000))
    return str(request.id)


async def test_fifty_parallel_confirmations_hold_once(world: AsyncContainer) -> None:
    await credit(world, 2_000_000)
    request_id = await a_request(world)

    async def confirm() -> str:
        try:
            return str((await call(world, ConfirmRechargeRequest, request_id, CUSTOMER)).value)
        except DomainError as error:
            return error.code

    answers = await asyncio.gather(*(confirm() for _ in range(50)))
    assert set(answers) == {"confirmed"}
    wallet = await call(world, GetWallet, CUSTOMER)
    assert (wallet.available, wallet.held) == (800_000, 1_200_000)
    assert await call(world, VerifyLedger) == ([], [])

    async def cancel() -> str:
        return str((await call(world, CancelRequest, request_id, CUSTOMER)).value)

    assert set(await asyncio.gather(*(cancel() for _ in range(20)))) == {"cancelled"}
    wallet = await call(world, GetWallet, CUSTOMER)
    assert (wallet.available, wallet.held) == (2_000_000, 0)
    assert await call(world, VerifyLedger) == ([], [])


async def test_two_requests_racing_for_one_balance_hold_only_what_there_is(world: AsyncContainer) -> None:
    await credit(world, 2_000_000)
    first, second = await a_request(world), await a_request(world)  # 1,200,000 each

    async def confirm(request_id: str) -> str:
        try:
            return str((await call(world, ConfirmRechargeRequest, request_id, CUSTOMER)).value)
        except DomainError as error:
            return error.code

    answers = await asyncio.gather(*(confirm(r) for r in [first, second] * 10))
    assert sorted(set(answers)) == ["confirmed", "insufficient_funds"]
    wallet = await call(world, GetWallet, CUSTOMER)
    assert (wallet.available, wallet.held) == (800_000, 1_200_000)

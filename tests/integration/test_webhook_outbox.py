"""The outbox: fulfilment writes a line.outcome delivery for each line that succeeded or failed and a
request.finished one when the request finishes, in the transaction that records them (PostgreSQL and SQLite);
a transaction that does not commit leaves no delivery behind (no phantom), and one that commits leaves them all."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from kook.application.fulfilment.execute_recharge_lines import ExecuteRechargeLines
from kook.application.fulfilment.ports import FulfilmentConfig, FulfilmentUnitOfWork
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.webhooks.list_deliveries import ListDeliveries
from kook.application.webhooks.ports import WebhookUnitOfWork
from kook.domain.recharges.fulfilment import Policy
from kook.domain.webhooks.webhook import WebhookEndpoint
from kook.entrypoints.settings import Settings
from tests.fakes.clock import FakeClock
from tests.fakes.operator import FakeOperator
from tests.integration.test_fulfilment_flow import CUSTOMER, World, _world

pytestmark = pytest.mark.anyio


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[World]:
    config = FulfilmentConfig(chunk_size=3, parallel_runs=1, policy=Policy(inquiry_window_seconds=600))
    async with _world(settings, FakeOperator(), config, FakeClock()) as found:
        yield found


async def subscribe(world: World, events: str) -> None:
    async with world.container() as scope:
        uow = await scope.get(WebhookUnitOfWork)
        async with uow:
            await uow.webhooks.add_endpoint(
                WebhookEndpoint(
                    id="e" * 32,
                    customer_id=CUSTOMER,
                    url="https://erp.example.com/kook",
                    events=events,
                    secret_salt="s",
                    created_by="u" * 32,
                    created_at=world.clock.now(),
                )
            )
            await uow.commit()


async def deliveries(world: World) -> list[Any]:
    found: list[Any] = await world.call(ListDeliveries, CUSTOMER)
    return found


async def test_a_finished_request_leaves_one_delivery_per_outcome_and_one_for_the_finish(world: World) -> None:
    await subscribe(world, "line.outcome request.finished")
    await world.credit(1_000_000)
    request_id = await world.confirmed(["09121110003", "09121110000", "09351110011"])  # 0000 fails
    await world.call(ExecuteRechargeLines, request_id)
    assert (await world.progress(request_id)).status == "completed_with_failures"

    found = await deliveries(world)
    bodies = [json.loads(d.payload) for d in found]
    outcomes = sorted(b["data"]["status"] for b in bodies if b["event"] == "line.outcome")
    assert outcomes == ["failed", "succeeded", "succeeded"]
    [finished] = [b["data"] for b in bodies if b["event"] == "request.finished"]
    assert finished == finished | {"request_id": request_id, "succeeded": 2, "failed": 1, "settled": 400_000}
    assert len({d.id for d in found}) == 4 and all(d.status == "pending" for d in found)
    assert all(b["id"] == d.id for b, d in zip(bodies, found, strict=True))


async def test_an_event_whose_transaction_does_not_commit_is_never_told(world: World) -> None:
    await subscribe(world, "line.outcome payment.credited")
    async with world.container() as scope:
        fulfilment = await scope.get(FulfilmentUnitOfWork)
        async with fulfilment:
            assert await fulfilment.webhooks.record(CUSTOMER, "line.outcome", [{"line_id": "1"}]) == 1
            # no commit: the transaction is rolled back with its event
        wallet = await scope.get(WalletUnitOfWork)
        async with wallet:
            assert await wallet.webhooks.record(CUSTOMER, "payment.credited", [{"amount": 1}]) == 1
            await wallet.commit()
    found = await deliveries(world)
    assert [d.event for d in found] == ["payment.credited"]
    async with world.container() as scope:
        other = await scope.get(WalletUnitOfWork)
        async with other:  # a customer without endpoints: nothing written, one cheap query
            assert await other.webhooks.record("0" * 32, "payment.credited", [{"amount": 1}]) == 0

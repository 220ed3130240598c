"""Runs of a repeating request through the real app (SQLite and PostgreSQL): the runs list and its actions
over HTTP with their error codes; and on PostgreSQL the scheduler's exactly-once guarantees — two schedulers
racing over 1,000 due runs and their reminders start or tell each once, and a scheduler killed mid-claim
(its transaction open, its locks held) leaves the run to start once after the restart."""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from dishka import AsyncContainer, Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.postgres.tables import requests as t
from kook.application.fulfilment.ports import FulfilmentConfig
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.deliver_run_notices import DeliverRunNotices
from kook.application.recharges.list_runs import ListRuns
from kook.application.recharges.remind_short_runs import RemindShortRuns
from kook.application.recharges.runs_action import RunsConfig
from kook.application.recharges.start_due_requests import StartDueRequests
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock, CustomerNotifier, Dispatcher
from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.recharges.schedule import Every, Repeat
from kook.domain.shared.ids import new_id
from kook.domain.wallet.ledger import EntryKind, bank_account
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.fakes.clock import FakeClock
from tests.fakes.dispatch import RecordingDispatcher
from tests.fakes.wallet import FakeNotifier
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_requests_api import fund
from tests.integration.test_requests_schedule import CUSTOMER, World, _valid_request, fields_of, tehran
from tests.integration.test_requests_schedule import world as world  # the fixture, shared
from tests.integration.test_wallet_api import demo_customer

# --------------------------------------------------------------------------- HTTP


async def test_the_runs_of_a_repeating_request_over_http(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    await fund(settings, 1_000_000)
    template = await _valid_request(client, headers, 200_000)
    body = {"repeat": {"every": "monthly", "day": 31, "time": "09:30", "count": 6}}
    confirmed = await client.post(f"/api/v1/requests/{template}/confirm", json=body, headers=headers)
    assert confirmed.json() == {"status": "scheduled"}
    url = f"/api/v1/requests/{template}/runs"

    runs = (await client.get(url)).json()
    assert runs["status"] == "scheduled" and runs["items"] == [] and runs["next_cursor"] is None
    assert [u["number"] for u in runs["upcoming"]] == [1, 2, 3, 4, 5, 6]
    first, second = runs["upcoming"][0], runs["upcoming"][1]
    assert first["run_at"].endswith("+03:30") and first["run_at_jalali"].endswith(" 09:30")
    assert not first["skipped"]

    skipped = await client.post(f"{url}/skip", json={"run_at": second["run_at"]}, headers=headers)
    assert skipped.status_code == 200, skipped.text
    again = (await client.get(url)).json()["upcoming"]
    assert [u["skipped"] for u in again[:3]] == [False, True, False]
    wrong = await client.post(f"{url}/skip", json={"run_at": "1405/01/01 09:31"}, headers=headers)
    assert wrong.status_code == 422 and fields_of(wrong) == {"run_at": "not_a_run"}
    garbled = await client.post(f"{url}/skip", json={"run_at": "soon"}, headers=headers)
    assert garbled.status_code == 422 and fields_of(garbled) == {"run_at": "moment_invalid"}
    undone = await client.post(f"{url}/unskip", json={"run_at": second["run_at_jalali"]}, headers=headers)
    assert undone.status_code == 200
    assert not any(u["skipped"] for u in (await client.get(url)).json()["upcoming"])

    ended = await client.post(f"{url}/end", json={"count": 2}, headers=headers)
    assert ended.status_code == 200 and ended.json()["repeat"]["count"] == 2
    assert len((await client.get(url)).json()["upcoming"]) == 2
    refused = await client.post(f"{url}/end", json={}, headers=headers)
    assert refused.status_code == 422 and fields_of(refused) == {"count": "repeat_end_required"}
    unknown_field = await client.post(f"{url}/end", json={"runs": 3}, headers=headers)
    assert unknown_field.status_code in (400, 422)

    paused = await client.post(f"{url}/pause", headers=headers)
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    assert paused.json()["next_run_at"] is None
    assert (await client.get(url)).json()["upcoming"] == []
    assert (await client.post(f"{url}/pause", headers=headers)).json()["status"] == "paused"
    resumed = await client.post(f"{url}/resume", headers=headers)
    assert resumed.json()["status"] == "scheduled" and resumed.json()["next_run_at"]

    cancelled = await client.post(f"{url}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json() == {"status": "cancelled"}
    assert (await client.get(url)).json()["upcoming"] == []
    late = await client.post(f"{url}/resume", headers=headers)
    assert late.status_code == 409 and late.json()["code"] == "request_not_scheduled" and late.json()["message"]

    once = await _valid_request(client, headers, 300_000)
    later = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0).isoformat()
    await client.post(f"/api/v1/requests/{once}/confirm", json={"schedule_at": later}, headers=headers)
    assert (await client.get("/api/v1/wallet")).json()["held"] == 300_000
    one = (await client.get(f"/api/v1/requests/{once}/runs")).json()["upcoming"]
    assert [u["number"] for u in one] == [None]
    not_repeating = await client.post(f"/api/v1/requests/{once}/runs/pause", headers=headers)
    assert not_repeating.status_code == 409 and not_repeating.json()["code"] == "request_not_repeating"
    released = await client.post(f"/api/v1/requests/{once}/runs/cancel", headers=headers)
    assert released.json() == {"status": "cancelled"}
    assert (await client.get("/api/v1/wallet")).json()["held"] == 0  # a one-off's hold is released
    missing = await client.get(f"/api/v1/requests/{'0' * 32}/runs")
    assert missing.status_code == 404


# --------------------------------------------------------------------------- the scheduler, on PostgreSQL

PARENT = t.requests.c.parent_id
CUSTOMERS = [f"{n:02d}" + "r" * 30 for n in range(10)]
FUNDED = CUSTOMERS[:8]  # each can pay for its templates' first runs; the last two cannot
PER_CUSTOMER = 100
PRICE = 200_000
NOW = datetime(2026, 5, 22, 8, 0, tzinfo=UTC)  # 1405/03/01 11:30 Tehran


class Scheduler:
    """One scheduler process: its own container (clock, dispatcher, notifier) over the shared database."""

    def __init__(self, settings: Settings, clock: FakeClock, notifier: FakeNotifier) -> None:
        self.dispatcher = RecordingDispatcher()

        class Overrides(Provider):
            scope = Scope.APP

            @provide(override=True)
            def dispatcher(self) -> Dispatcher:
                return outer.dispatcher

            @provide(override=True)
            def clock(self) -> Clock:
                return clock

            @provide(override=True)
            def config(self) -> FulfilmentConfig:
                return FulfilmentConfig(parallel_runs=1)

            @provide(override=True)
            def runs_config(self) -> RunsConfig:
                return RunsConfig(reminder_before=timedelta(hours=48))

            @provide(override=True, scope=Scope.REQUEST)
            def notifier(self) -> CustomerNotifier:
                return notifier

        outer = self
        self.container: AsyncContainer = make_http_container(settings, Overrides())

    async def call(self, use_case: type[Any]) -> Any:
        async with self.container() as scope:
            return await (await scope.get(use_case))()

    async def run_until_idle(self) -> None:
        while True:
            started = await self.call(StartDueRequests)
            reminded = await self.call(RemindShortRuns)
            delivered = await self.call(DeliverRunNotices)
            if not started["started"] and not started["not_funded"] and not reminded and not delivered:
                return


@pytest.fixture
def pg_settings(settings_factory: Any, backend: str) -> Settings:
    if backend != "postgres":
        pytest.skip("the race runs on PostgreSQL (SQLite has one writer)")
    built: Settings = settings_factory()
    return built


@pytest.fixture
async def factory(pg_settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    container = make_http_container(pg_settings)
    yield await container.get(async_sessionmaker[AsyncSession])
    await container.close()


async def _templates(settings: Settings, factory: async_sessionmaker[AsyncSession], customers: list[str]) -> None:
    """``PER_CUSTOMER`` daily repeating requests per customer, due now (two runs each), one line each."""
    rule = json.dumps(Repeat(Every.DAILY, count=2).to_json() | {"time": "11:00"})
    requests, lines = [], []
    for customer in customers:
        for _ in range(PER_CUSTOMER):
            ident = new_id()
            requests.append(
                {
                    "id": ident,
                    "customer_id": customer,
                    "name": "حقوق",
                    "kind": "topup",
                    "status": "scheduled",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "confirmed_at": NOW,
                    "repeat": rule,
                    "next_run_at": NOW - timedelta(minutes=30),
                }
            )
            lines.append(
                {
                    "customer_id": customer,
                    "request_id": ident,
                    "mobile": "09121234567",
                    "operator": 1,
                    "product": "airtime",
                    "amount": PRICE,
                    "price": PRICE,
                    "status": "valid",
                    "created_at": NOW,
                }
            )
    async with factory() as session, session.begin():
        await session.execute(sa.insert(t.requests), requests)
        await session.execute(sa.insert(t.request_lines), lines)
    container = make_http_container(settings)
    async with container() as scope:
        uow = await scope.get(WalletUnitOfWork)
        poster = await scope.get(LedgerPoster)
        async with uow:
            for customer in customers:
                if customer in FUNDED:
                    amount = PER_CUSTOMER * PRICE
                    await poster.credit(
                        uow.ledger, customer, amount, bank_account("t"), key=f"f-{customer}", kind=EntryKind.DEPOSIT
                    )
            await uow.commit()
    await container.close()


async def test_two_schedulers_over_1000_due_runs_start_and_tell_each_once(
    pg_settings: Settings, factory: async_sessionmaker[AsyncSession]
) -> None:
    await _templates(pg_settings, factory, CUSTOMERS)
    clock = FakeClock(NOW)
    notifier = FakeNotifier()
    one, two = Scheduler(pg_settings, clock, notifier), Scheduler(pg_settings, clock, notifier)
    await asyncio.gather(one.run_until_idle(), two.run_until_idle())

    async with factory() as session:
        runs = (
            await session.execute(sa.select(t.requests.c.parent_id).where(t.requests.c.parent_id.is_not(None)))
        ).all()
        log = (await session.execute(sa.select(t.request_run_log))).all()
    assert len(runs) == len(FUNDED) * PER_CUSTOMER
    assert len({parent for (parent,) in runs}) == len(runs)  # one run per template
    dispatched = [m["request_id"] for s in (one, two) for _, m in s.dispatcher.sent]
    assert len(dispatched) == len(set(dispatched)) == len(runs)  # each started (dispatched) once
    kinds = Counter(entry.kind for entry in log)
    assert kinds == {"not_funded": 2 * PER_CUSTOMER, "reminder": len(CUSTOMERS) * PER_CUSTOMER}
    assert all(entry.sent_at is not None for entry in log)
    told = Counter(n["kind"] for n in notifier.sent)
    # every template's wallet is short for its second run: one reminder each; the unfunded first runs told once
    assert told == {"request_run_not_funded": 2 * PER_CUSTOMER, "request_run_reminder": len(CUSTOMERS) * PER_CUSTOMER}
    await one.container.close()
    await two.container.close()


class Killed(BaseException):
    """The process dies: nothing after this point runs, the transaction is never committed."""


async def test_a_scheduler_killed_mid_claim_starts_the_run_once_after_restart(
    pg_settings: Settings, factory: async_sessionmaker[AsyncSession]
) -> None:
    await _templates(pg_settings, factory, FUNDED[:1])
    clock = FakeClock(NOW)
    notifier = FakeNotifier()
    claimed = asyncio.Event()

    class HangingPoster(LedgerPoster):
        async def hold(self, *args: Any, **kwargs: Any) -> Any:
            claimed.set()  # the wallet and the template are locked, the run's lines copied
            await asyncio.Event().wait()  # ... and the process hangs here until it is killed

    class Dying(Provider):
        scope = Scope.APP

        @provide(override=True)
        def poster(self, clock: Clock) -> LedgerPoster:
            return HangingPoster(clock)

        @provide(override=True)
        def notifier(self) -> CustomerNotifier:
            return notifier

    doomed = make_http_container(pg_settings, Dying())
    victim = asyncio.create_task(_pass(doomed))
    await asyncio.wait_for(claimed.wait(), 30)
    restarted = Scheduler(pg_settings, clock, notifier)
    survivor = asyncio.create_task(restarted.run_until_idle())
    await asyncio.sleep(0.5)
    assert not survivor.done()  # waits on the dead scheduler's locks
    victim.cancel()  # killed before its commit: its transaction rolls back, its locks go
    with pytest.raises(asyncio.CancelledError):
        await victim
    await asyncio.wait_for(survivor, 120)

    async with factory() as session:
        runs = (
            await session.execute(sa.select(t.requests.c.parent_id).where(t.requests.c.parent_id.is_not(None)))
        ).all()
    assert len(runs) == PER_CUSTOMER and len({p for (p,) in runs}) == PER_CUSTOMER
    assert len(restarted.dispatcher.sent) == PER_CUSTOMER
    await restarted.container.close()
    await doomed.close()


async def _pass(container: AsyncContainer) -> None:
    async with container() as scope:
        await (await scope.get(StartDueRequests))()


async def test_the_request_page_lists_and_manages_the_runs(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    await fund(settings, 1_000_000)
    template = await _valid_request(client, headers, 200_000)
    body = {"repeat": {"every": "weekly", "weekdays": [0, 3], "time": "08:30", "count": 4}}
    await client.post(f"/api/v1/requests/{template}/confirm", json=body, headers=headers)
    page = await client.get(f"/requests/{template}")
    assert page.text.count('data-testid="upcoming-run"') == 4 and "توقف موقت" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    run_at = re.findall(r'name="run_at" value="([^"]+)"', page.text)[1]
    token = {"csrf_token": csrf.group(1)}
    skipped = await client.post(f"/requests/{template}/runs/skip", data=token | {"run_at": run_at})
    assert skipped.status_code == 200 and "بازگرداندن" in skipped.text  # followed the redirect back
    refused = await client.post(f"/requests/{template}/runs/end", data=token | {"until": "", "count": "x"})
    assert refused.status_code == 422 and "مقدار این فیلد معتبر نیست" in refused.text
    await client.post(f"/requests/{template}/runs/end", data=token | {"until": "", "count": "۲"})
    paused = await client.post(f"/requests/{template}/runs/pause", data=token)
    assert 'data-testid="runs-paused"' in paused.text and 'data-testid="no-upcoming-runs"' in paused.text
    assert (await client.get(f"/api/v1/requests/{template}")).json()["repeat"]["count"] == 2
    resumed = await client.post(f"/requests/{template}/runs/resume", data=token)
    assert resumed.text.count('data-testid="upcoming-run"') == 2
    cancelled = await client.post(f"/requests/{template}/runs/cancel", data=token)
    assert cancelled.status_code == 200 and 'data-status="cancelled"' in cancelled.text


async def test_a_short_wallet_is_reminded_once_and_an_unfunded_run_told_once_on_each_database(
    world: World,
) -> None:
    template = await world.request(200_000)
    repeat = {"every": "daily", "time": "20:00", "count": 2}
    await world.call(ConfirmRechargeRequest, template, CUSTOMER, repeat=repeat)  # first run 1405/03/01 20:00
    assert await world.call(RemindShortRuns) == 1  # within 24 hours and the wallet is empty
    assert await world.call(RemindShortRuns) == 0
    world.clock.set(tehran(1405, 3, 1, 20, 0))
    assert await world.call(StartDueRequests) == {"started": 0, "not_funded": 1}
    world.clock.advance(minutes=10)
    assert await world.call(DeliverRunNotices) == 0  # each told already
    assert await world.call(RemindShortRuns) == 1  # the second run, tomorrow
    assert [n["kind"] for n in world.notifier.sent] == [
        "request_run_reminder",
        "request_run_not_funded",
        "request_run_reminder",
    ]
    runs = await world.call(ListRuns, template, CUSTOMER)
    assert [(p.number, p.status, p.missing) for p in runs.past] == [(1, "not_funded", 200_000)]

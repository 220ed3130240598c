"""Scheduled and repeating requests, and Idempotency-Key, on SQLite and PostgreSQL through the real use
cases, repositories and HTTP app: a one-off holds at confirmation and starts when due; each run of a
repeating request holds its own money; an unfunded run does not start and the customer is told; cancel;
two StartDueRequests at once make one run; a replayed key answers the first answer, a reused one is 422."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dishka import AsyncContainer, Provider, Scope, provide

from kook.application.fulfilment.ports import FulfilmentConfig
from kook.application.recharges.add_line import AddLine
from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.get_request import GetRequest
from kook.application.recharges.line_checker import LineInput
from kook.application.recharges.ports import RequestsUnitOfWork
from kook.application.recharges.start_due_requests import StartDueRequests
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock, CustomerNotifier, Dispatcher
from kook.application.wallet.get_wallet import GetWallet
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.verify_ledger import VerifyLedger
from kook.domain.shared.jalali import TEHRAN, JalaliDate, to_gregorian
from kook.domain.wallet.ledger import EntryKind, bank_account
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.fakes.clock import FakeClock
from tests.fakes.dispatch import RecordingDispatcher
from tests.fakes.wallet import FakeNotifier
from tests.integration.helpers import Client
from tests.integration.test_customers_api import use
from tests.integration.test_requests_api import fund, new_request
from tests.integration.test_wallet_api import demo_customer

CUSTOMER = "e" * 32


def tehran(jy: int, jm: int, jd: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(to_gregorian(jy, jm, jd), datetime.min.time(), tzinfo=TEHRAN).replace(
        hour=hour, minute=minute
    )


class World:
    def __init__(self, container: AsyncContainer, clock: FakeClock, dispatcher: RecordingDispatcher) -> None:
        self.container = container
        self.clock = clock
        self.dispatcher = dispatcher
        self.notifier = FakeNotifier()

    async def call(self, use_case: type[Any], *args: Any, **kwargs: Any) -> Any:
        async with self.container() as scope:
            return await (await scope.get(use_case))(*args, **kwargs)

    async def credit(self, amount: int, key: str) -> None:
        async with self.container() as scope:
            uow = await scope.get(WalletUnitOfWork)
            poster = await scope.get(LedgerPoster)
            async with uow:
                await poster.credit(uow.ledger, CUSTOMER, amount, bank_account("t"), key=key, kind=EntryKind.DEPOSIT)
                await uow.commit()

    async def request(self, *amounts: int) -> str:
        request = await self.call(CreateRequest, CUSTOMER, "حقوق", "topup")
        for i, amount in enumerate(amounts):
            await self.call(AddLine, request.id, CUSTOMER, LineInput(mobile=f"0912111000{i}", amount=amount))
        return str(request.id)

    async def get(self, request_id: str) -> Any:
        return await self.call(GetRequest, request_id, CUSTOMER)

    async def wallet(self) -> tuple[int, int]:
        found = await self.call(GetWallet, CUSTOMER)
        return found.available, found.held

    async def runs(self, template_id: str) -> list[Any]:
        async with self.container() as scope:
            uow = await scope.get(RequestsUnitOfWork)
            async with uow:
                mine = await uow.requests.for_customer(CUSTOMER, before=None, limit=100)
        return sorted((r for r in mine if r.parent_id == template_id), key=lambda r: r.run_number)

    async def lines_of(self, request_id: str) -> int:
        async with self.container() as scope:
            uow: RequestsUnitOfWork = await scope.get(RequestsUnitOfWork)
            async with uow:
                counts = await uow.lines.counts(request_id)
        return counts.valid


@pytest.fixture
def settings(settings_factory: Any) -> Settings:
    built: Settings = settings_factory()
    return built


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[World]:
    clock = FakeClock(tehran(1405, 3, 1, 10, 20))
    dispatcher = RecordingDispatcher()
    notifier = FakeNotifier()

    class Overrides(Provider):
        scope = Scope.APP

        @provide(override=True)
        def dispatcher(self) -> Dispatcher:
            return dispatcher

        @provide(override=True)
        def clock(self) -> Clock:
            return clock

        @provide(override=True)
        def config(self) -> FulfilmentConfig:
            return FulfilmentConfig(parallel_runs=1)

        @provide(override=True, scope=Scope.REQUEST)
        def notifier(self) -> CustomerNotifier:
            return notifier

    container = make_http_container(settings, Overrides())
    found = World(container, clock, dispatcher)
    found.notifier = notifier
    yield found
    await container.close()


async def test_a_one_off_holds_at_confirmation_and_starts_when_due(world: World) -> None:
    await world.credit(1_000_000, "seed")
    request_id = await world.request(300_000)
    status = await world.call(ConfirmRechargeRequest, request_id, CUSTOMER, schedule_at="۱۴۰۵/۰۳/۰۲ ۰۸:۰۰")
    assert status.value == "scheduled"
    again = await world.call(ConfirmRechargeRequest, request_id, CUSTOMER, schedule_at="1405/03/02 08:00")
    assert again.value == "scheduled"
    assert await world.wallet() == (700_000, 300_000)  # held once, at confirmation
    scheduled = await world.get(request_id)
    assert scheduled.next_run_at == scheduled.schedule_at == tehran(1405, 3, 2, 8).astimezone(UTC)
    assert await world.call(StartDueRequests) == {"started": 0, "not_funded": 0}
    assert world.dispatcher.sent == []

    world.clock.set(tehran(1405, 3, 2, 8, 0))
    assert await world.call(StartDueRequests) == {"started": 1, "not_funded": 0}
    started = await world.get(request_id)
    assert (started.status.value, started.next_run_at) == ("confirmed", None)
    assert world.dispatcher.sent == [("fulfilment.run", {"request_id": request_id})]
    assert await world.call(StartDueRequests) == {"started": 0, "not_funded": 0}
    assert await world.wallet() == (700_000, 300_000)


async def test_repeating_runs_hold_their_own_money_and_an_unfunded_run_is_told(world: World) -> None:
    await world.credit(600_000, "seed")
    template = await world.request(200_000, 300_000)
    status = await world.call(
        ConfirmRechargeRequest, template, CUSTOMER, repeat={"every": "daily", "time": "12:00", "count": 3}
    )
    assert status.value == "scheduled"
    assert await world.wallet() == (600_000, 0)  # nothing held at confirmation

    world.clock.set(tehran(1405, 3, 1, 12, 0))
    assert await world.call(StartDueRequests) == {"started": 1, "not_funded": 0}
    [run] = await world.runs(template)
    assert (run.name, run.run_number, run.status.value, run.total_held) == ("حقوق — اجرای 1", 1, "confirmed", 500_000)
    assert await world.lines_of(run.id) == 2
    assert await world.wallet() == (100_000, 500_000)

    world.clock.advance(days=1)
    assert await world.call(StartDueRequests) == {"started": 0, "not_funded": 1}
    assert len(await world.runs(template)) == 1
    [notice] = world.notifier.sent
    assert notice["customer_id"] == CUSTOMER and notice["kind"] == "request_run_not_funded" and notice["sms"]
    assert (await world.get(template)).next_run_at == tehran(1405, 3, 3, 12).astimezone(UTC)

    await world.credit(500_000, "more")
    world.clock.advance(days=1)
    assert await world.call(StartDueRequests) == {"started": 1, "not_funded": 0}
    assert [r.run_number for r in await world.runs(template)] == [1, 3]
    done = await world.get(template)
    assert (done.status.value, done.runs_started, done.next_run_at) == ("completed", 3, None)
    assert await world.wallet() == (100_000, 1_000_000)
    assert await world.call(VerifyLedger) == ([], [])


async def test_cancel_releases_a_one_off_and_stops_a_repeating_request(world: World) -> None:
    await world.credit(1_000_000, "seed")
    once = await world.request(300_000)
    await world.call(ConfirmRechargeRequest, once, CUSTOMER, schedule_at="2026-05-23T08:00:00+03:30")
    assert await world.wallet() == (700_000, 300_000)
    assert (await world.call(CancelRequest, once, CUSTOMER)).value == "cancelled"
    assert await world.wallet() == (1_000_000, 0)

    repeating = await world.request(200_000)
    await world.call(
        ConfirmRechargeRequest, repeating, CUSTOMER, repeat={"every": "daily", "time": "12:00", "count": 9}
    )
    world.clock.set(tehran(1405, 3, 1, 12, 30))
    assert await world.call(StartDueRequests) == {"started": 1, "not_funded": 0}
    assert (await world.call(CancelRequest, repeating, CUSTOMER)).value == "cancelled"
    world.clock.advance(days=2)
    assert await world.call(StartDueRequests) == {"started": 0, "not_funded": 0}
    [run] = await world.runs(repeating)
    assert run.status.value == "confirmed"  # the started run goes on, its money held
    assert await world.wallet() == (800_000, 200_000)


async def test_two_start_passes_at_once_make_one_run(world: World) -> None:
    await world.credit(5_000_000, "seed")
    template = await world.request(200_000)
    await world.call(ConfirmRechargeRequest, template, CUSTOMER, repeat={"every": "daily", "time": "12:00", "count": 5})
    world.clock.set(tehran(1405, 3, 1, 12, 0))
    results = await asyncio.gather(*(world.call(StartDueRequests) for _ in range(4)))
    assert sum(r["started"] for r in results) == 1
    [run] = await world.runs(template)
    assert run.run_number == 1
    assert await world.wallet() == (4_800_000, 200_000)


# --------------------------------------------------------------------------- HTTP


def fields_of(response: Any) -> dict[str, str]:
    return {name: error["code"] for name, error in response.json()["details"]["fields"].items()}


async def _valid_request(client: Client, headers: dict[str, str], amount: int = 300_000) -> str:
    request_id = await new_request(client, headers)
    added = await client.post(
        f"/api/v1/requests/{request_id}/lines", json={"mobile": "09121234567", "amount": amount}, headers=headers
    )
    assert added.status_code == 201, added.text
    return request_id


async def test_confirm_with_a_schedule_or_a_repeat_over_http(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    await fund(settings, 1_000_000)
    once = await _valid_request(client, headers)
    bad = await client.post(
        f"/api/v1/requests/{once}/confirm", json={"schedule_at": "2020-01-01T10:00:00+03:30"}, headers=headers
    )
    assert bad.status_code == 422 and fields_of(bad) == {"schedule_at": "not_future"}
    later = "2099-01-01T10:00:00+03:30"
    far = await client.post(f"/api/v1/requests/{once}/confirm", json={"schedule_at": later}, headers=headers)
    assert far.status_code == 422 and fields_of(far) == {"schedule_at": "too_far"}
    soon = datetime.now(UTC).replace(microsecond=0).astimezone(TEHRAN)
    at = soon.replace(year=soon.year + (1 if soon.month == 12 else 0), month=soon.month % 12 + 1, day=1)
    done = await client.post(f"/api/v1/requests/{once}/confirm", json={"schedule_at": at.isoformat()}, headers=headers)
    assert done.status_code == 200 and done.json() == {"status": "scheduled"}
    shown = (await client.get(f"/api/v1/requests/{once}")).json()
    assert shown["status"] == "scheduled" and shown["total_held"] == 300_000
    assert datetime.fromisoformat(shown["schedule_at"]) == datetime.fromisoformat(shown["next_run_at"]) == at
    assert (await client.get("/api/v1/wallet")).json()["held"] == 300_000

    repeating = await _valid_request(client, headers)
    wrong = await client.post(
        f"/api/v1/requests/{repeating}/confirm", json={"repeat": {"every": "monthly", "count": 3}}, headers=headers
    )
    assert wrong.status_code == 422 and fields_of(wrong) == {"repeat.day": "required"}
    body = {"repeat": {"every": "monthly", "day": 31, "time": "09:30", "count": 12}}
    ok = await client.post(f"/api/v1/requests/{repeating}/confirm", json=body, headers=headers)
    assert ok.status_code == 200 and ok.json() == {"status": "scheduled"}
    shown = (await client.get(f"/api/v1/requests/{repeating}")).json()
    assert shown["repeat"] == {
        "every": "monthly",
        "time": "09:30",
        "weekdays": [],
        "day": 31,
        "until": None,
        "count": 12,
    }
    assert shown["total_held"] == 0 and shown["next_run_at"] and shown["parent_id"] is None
    assert (await client.get("/api/v1/wallet")).json()["held"] == 300_000  # nothing more held
    stopped = await client.post(f"/api/v1/requests/{repeating}/cancel", headers=headers)
    assert stopped.json() == {"status": "cancelled"}
    released = await client.post(f"/api/v1/requests/{once}/cancel", headers=headers)
    assert released.json() == {"status": "cancelled"}
    assert (await client.get("/api/v1/wallet")).json()["held"] == 0


async def test_idempotency_keys_replay_the_first_answer(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    await fund(settings, 1_000_000)
    request_id = await _valid_request(client, headers)
    url = f"/api/v1/requests/{request_id}/confirm"
    key = {"Idempotency-Key": "confirm-1"}
    first = await client.post(url, headers=headers | key)
    assert first.status_code == 200 and first.json() == {"status": "confirmed"}
    await client.post(f"/api/v1/requests/{request_id}/cancel", headers=headers)
    replay = await client.post(url, headers=headers | key)  # the kept answer, nothing done again
    assert replay.status_code == 200 and replay.json() == {"status": "confirmed"}
    assert replay.headers.get("Idempotent-Replayed") == "true"
    reused = await client.post(url, json={"schedule_at": "1499/01/01 10:00"}, headers=headers | key)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert reused.json()["message"]
    too_long = await client.post(url, headers=headers | {"Idempotency-Key": "k" * 201})
    assert too_long.status_code == 422 and fields_of(too_long) == {"Idempotency-Key": "too_long"}

    pay = {"Idempotency-Key": "pay-1"}
    one = await client.post("/api/v1/wallet/payments", json={"amount": 500_000}, headers=headers | pay)
    two = await client.post("/api/v1/wallet/payments", json={"amount": 500_000}, headers=headers | pay)
    assert one.status_code == two.status_code == 201, one.text
    assert one.json() == two.json()
    payments = (await client.get("/api/v1/wallet/payments")).json()["items"]
    assert len(payments) == 1
    other = await client.post("/api/v1/wallet/payments", json={"amount": 600_000}, headers=headers | pay)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    failed = await client.post(
        "/api/v1/wallet/payments", json={"amount": 1}, headers=headers | {"Idempotency-Key": "p2"}
    )
    assert failed.status_code == 422 and failed.json()["code"] != "idempotency_key_reused"
    retried = await client.post(
        "/api/v1/wallet/payments", json={"amount": 700_000}, headers=headers | {"Idempotency-Key": "p2"}
    )
    assert retried.status_code == 201  # a failed call keeps nothing: the key can be used again


async def test_the_portal_schedules_and_repeats_from_the_summary_dialog(client: Client, settings: Settings) -> None:
    headers = use(client, await demo_customer(client, settings))
    await fund(settings, 1_000_000)
    once = await _valid_request(client, headers)
    page = await client.get(f"/requests/{once}?dialog=summary")
    dialog = (
        await client.get(f"/requests/{once}/summary", params={"confirm": "1"}, headers={"HX-Request": "true"})
    ).text
    for text in ("همین حالا", "زمان بندی درخواست", "تکرار درخواست", 'name="schedule_date"', 'name="repeat_every"'):
        assert text in dialog
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    form = {"csrf_token": csrf.group(1), "when": "at", "schedule_date": "", "schedule_time": "10:00"}
    refused = await client.post(f"/requests/{once}/confirm", data=form)
    assert refused.status_code == 422 and "زمان معتبر نیست" in refused.text
    day = str(JalaliDate.from_date((datetime.now(UTC) + timedelta(days=2)).astimezone(TEHRAN).date()))
    form["schedule_date"] = day.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    done = await client.post(f"/requests/{once}/confirm", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    shown = await client.get(f"/requests/{once}")
    assert 'data-testid="request-schedule"' in shown.text and 'data-testid="next-run"' in shown.text
    assert "لغو درخواست" in shown.text
    assert (await client.get(f"/api/v1/requests/{once}")).json()["status"] == "scheduled"

    repeating = await _valid_request(client, headers)
    form = {
        "csrf_token": csrf.group(1),
        "when": "repeat",
        "repeat_every": "weekly",
        "repeat_weekdays": ["0", "3"],
        "repeat_time": "۰۸:۳۰",
        "repeat_count": "۴",
    }
    done = await client.post(f"/requests/{repeating}/confirm", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    shown = await client.get(f"/requests/{repeating}")
    assert "هر هفته، شنبه، سه‌شنبه" in shown.text and "۰۸:۳۰" in shown.text
    api = (await client.get(f"/api/v1/requests/{repeating}")).json()
    assert api["repeat"]["weekdays"] == [0, 3] and api["repeat"]["count"] == 4 and api["total_held"] == 0

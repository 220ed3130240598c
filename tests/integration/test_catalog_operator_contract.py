"""The operator port's contract, run the same way against the in-memory fake and against the
simulated operator served on a real local port and reached through the HTTP adapter.

Then what only the simulator does: its ledger survives restarts and is shared,
concurrent calls with one reference apply once, its rates and latency, and
``kook operator-sim`` as its own process.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from kook.adapters.operators.http_operator import HttpOperatorGateways
from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.migrate import upgrade
from kook.adapters.system.clock import SystemClock
from kook.application.shared.ports import OperatorGateway, OutcomeStatus, TopUpOutcome, TopUpRequest
from kook.domain.routing.operator import Operator
from kook.sandbox.operator_sim import OperatorSimulator, SimConfig, TopUpBody
from kook.sandbox.operator_sim_http import create_sim_app
from tests.fakes.catalog import seeded_state
from tests.fakes.clock import DEFAULT_START
from tests.fakes.operator import FakeOperator

ROUTE = seeded_state(DEFAULT_START).routes[Operator.MCI].changed(DEFAULT_START, read_timeout_ms=5000)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mobile(suffix: str = "") -> str:
    """A fresh Hamrah-e Aval number; ``suffix`` picks the simulator's deterministic rule."""
    while True:
        digits = f"{random.randrange(10**7):07d}"
        number = ("0912" + digits)[: 11 - len(suffix)] + suffix
        if suffix or not number.endswith(("0000", "0001", "0002")):  # no suffix: one it simply applies
            return number


def reference() -> str:
    return "ref-" + uuid.uuid4().hex


# --------------------------------------------------------------------------- the simulator on a real port


@dataclass
class SimServer:
    url: str
    simulator: OperatorSimulator

    @property
    def base(self) -> str:
        return self.url + "/sim"

    def applied(self, number: str) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.base}/topups", params={"mobile": number}, timeout=10)
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()
        return found


@contextlib.contextmanager
def serve_simulator(database_url: str, config: SimConfig | None = None) -> Iterator[SimServer]:
    with ThreadPoolExecutor(max_workers=1) as pool:  # alembic runs its own event loop: keep it off the test's
        pool.submit(upgrade, database_url).result()
    engine = make_engine(database_url)
    simulator = OperatorSimulator(make_session_factory(engine), SystemClock(), config)
    app = create_sim_app(simulator, on_shutdown=[engine.dispose])
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, name="operator-sim", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the simulator did not start")
        time.sleep(0.05)
    try:
        yield SimServer(url, simulator)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimServer]:
    db = tmp_path_factory.mktemp("sim") / "sim.db"
    with serve_simulator(f"sqlite+aiosqlite:///{db}") as server:
        yield server


# --------------------------------------------------------------------------- one contract, two implementations


@dataclass
class Subject:
    gateway: OperatorGateway
    applied: Callable[[str], Awaitable[list[dict[str, Any]]]]


@pytest.fixture(params=["fake", "http+simulator"])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    if request.param == "fake":
        fake = FakeOperator()

        async def fake_applied(number: str) -> list[dict[str, Any]]:
            return [
                {"reference": "?", "mobile": r.mobile, "product": r.product, "amount": r.amount}
                for r in fake.applied(number)
            ]

        yield Subject(fake, fake_applied)
        return
    server: SimServer = request.getfixturevalue("sim")
    gateways = HttpOperatorGateways(server.base)

    async def sim_applied(number: str) -> list[dict[str, Any]]:
        return await asyncio.to_thread(server.applied, number)

    try:
        yield Subject(gateways.for_route(ROUTE), sim_applied)
    finally:
        await gateways.aclose()


def top_up(number: str, ref: str | None = None, product: str = "airtime", amount: int = 200_000) -> TopUpRequest:
    return TopUpRequest(
        reference=ref or reference(), mobile=number, operator=Operator.MCI, product=product, amount=amount
    )


async def test_a_top_up_succeeds_once_however_often_it_is_sent(subject: Subject) -> None:
    number = mobile()
    request = top_up(number)
    first = await subject.gateway.top_up(request)
    assert first.status is OutcomeStatus.SUCCEEDED and first.provider_ref
    again = await subject.gateway.top_up(request)
    assert again == first
    assert await subject.gateway.status(request.reference) == first
    applied = await subject.applied(number)
    assert len(applied) == 1
    assert (applied[0]["mobile"], applied[0]["product"], applied[0]["amount"]) == (number, "airtime", 200_000)


async def test_two_references_for_one_number_are_two_top_ups(subject: Subject) -> None:
    """The manual's way to top a number up by more: the same number on several lines."""
    number = mobile()
    for _ in range(2):
        assert (await subject.gateway.top_up(top_up(number, amount=1_000_000))).status is OutcomeStatus.SUCCEEDED
    assert len(await subject.applied(number)) == 2


async def test_a_number_ending_0000_fails_definitely(subject: Subject) -> None:
    number = mobile("0000")
    request = top_up(number)
    assert await subject.gateway.top_up(request) == TopUpOutcome.failed("invalid_number")
    assert await subject.gateway.top_up(request) == TopUpOutcome.failed("invalid_number")
    assert await subject.gateway.status(request.reference) == TopUpOutcome.failed("invalid_number")
    assert await subject.applied(number) == []


async def test_a_number_ending_0001_is_applied_but_the_answer_is_lost(subject: Subject) -> None:
    number = mobile("0001")
    request = top_up(number)
    lost = await subject.gateway.top_up(request)
    assert lost.status is OutcomeStatus.PENDING  # unknown — never "failed"
    found = await subject.gateway.status(request.reference)
    assert found.status is OutcomeStatus.SUCCEEDED and found.provider_ref
    assert await subject.gateway.top_up(request) == found  # sending it again applies nothing more
    assert len(await subject.applied(number)) == 1


async def test_a_number_ending_0002_is_lost_without_being_applied(subject: Subject) -> None:
    number = mobile("0002")
    request = top_up(number)
    assert (await subject.gateway.top_up(request)).status is OutcomeStatus.PENDING
    assert await subject.gateway.status(request.reference) == TopUpOutcome.not_found()
    assert (await subject.gateway.top_up(request)).status is OutcomeStatus.PENDING
    assert await subject.applied(number) == []


async def test_an_unknown_reference_was_never_received(subject: Subject) -> None:
    assert await subject.gateway.status(reference()) == TopUpOutcome.not_found()


async def test_a_package_is_applied_with_its_code_and_price(subject: Subject) -> None:
    number = mobile()
    outcome = await subject.gateway.top_up(top_up(number, product="MCI-30D-10GB", amount=1_250_000))
    assert outcome.status is OutcomeStatus.SUCCEEDED
    [applied] = await subject.applied(number)
    assert (applied["product"], applied["amount"]) == ("MCI-30D-10GB", 1_250_000)


async def test_a_reference_reused_for_another_top_up_is_not_applied(subject: Subject) -> None:
    number = mobile()
    ref = reference()
    assert (await subject.gateway.top_up(top_up(number, ref))).status is OutcomeStatus.SUCCEEDED
    clash = await subject.gateway.top_up(top_up(number, ref, amount=300_000))
    assert clash.status is OutcomeStatus.PENDING and clash.code == "reference_conflict"
    assert [a["amount"] for a in await subject.applied(number)] == [200_000]


# --------------------------------------------------------------------------- the fake's helpers


async def test_the_fake_can_be_scripted_per_number() -> None:
    operator = FakeOperator()
    number = mobile()
    operator.fail_next(number, "operator_declined")
    operator.lose_answer_next(number)
    operator.drop_next(number)
    operator.unreachable_next(number)
    outcomes = [await operator.top_up(top_up(number)) for _ in range(5)]
    assert [o.status for o in outcomes] == [
        OutcomeStatus.FAILED,
        OutcomeStatus.PENDING,
        OutcomeStatus.PENDING,
        OutcomeStatus.FAILED,
        OutcomeStatus.SUCCEEDED,
    ]
    assert outcomes[3].retryable and not outcomes[0].retryable
    assert len(operator.applied(number)) == 2  # the lost answer and the last one
    assert len(operator.sent_to(number)) == 5


# --------------------------------------------------------------------------- only the simulator


async def test_concurrent_calls_with_one_reference_apply_once(sim: SimServer) -> None:
    gateways = HttpOperatorGateways(sim.base)
    gateway = gateways.for_route(ROUTE)
    number = mobile()
    request = top_up(number)
    try:
        outcomes = await asyncio.gather(*(gateway.top_up(request) for _ in range(30)))
    finally:
        await gateways.aclose()
    assert {o.status for o in outcomes} == {OutcomeStatus.SUCCEEDED}
    assert len({o.provider_ref for o in outcomes}) == 1
    assert len(await asyncio.to_thread(sim.applied, number)) == 1


async def test_concurrent_calls_with_one_reference_apply_once_on_postgres(migrated_pg: str) -> None:
    with serve_simulator(migrated_pg) as server:
        gateways = HttpOperatorGateways(server.base)
        gateway = gateways.for_route(ROUTE)
        number = mobile()
        request = top_up(number)
        try:
            outcomes = await asyncio.gather(*(gateway.top_up(request) for _ in range(30)))
        finally:
            await gateways.aclose()
        assert {o.status for o in outcomes} == {OutcomeStatus.SUCCEEDED}
        assert len(await asyncio.to_thread(server.applied, number)) == 1


async def test_the_ledger_survives_a_restart(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ledger.db'}"
    await asyncio.to_thread(upgrade, url)
    body = TopUpBody(reference=reference(), mobile=mobile(), operator_code="1", product="airtime", amount=200_000)
    first_engine = make_engine(url)
    first = await OperatorSimulator(make_session_factory(first_engine), SystemClock()).top_up(body)
    await first_engine.dispose()
    second_engine = make_engine(url)
    try:
        again = OperatorSimulator(make_session_factory(second_engine), SystemClock())
        assert (await again.top_up(body)).body == first.body
        assert len(await again.applied(body.mobile)) == 1
    finally:
        await second_engine.dispose()


async def test_failure_and_unknown_rates(sim: SimServer) -> None:
    gateways = HttpOperatorGateways(sim.base)
    gateway = gateways.for_route(ROUTE)
    original = sim.simulator.config
    try:
        sim.simulator.config = SimConfig(fail_rate=1.0)
        number = mobile()
        outcomes = [await gateway.top_up(top_up(number)) for _ in range(5)]
        assert outcomes == [TopUpOutcome.failed("operator_declined")] * 5
        assert await asyncio.to_thread(sim.applied, number) == []

        sim.simulator.config = SimConfig(unknown_rate=1.0)
        number = mobile()
        requests = [top_up(number) for _ in range(20)]
        assert {(await gateway.top_up(r)).status for r in requests} == {OutcomeStatus.PENDING}
        statuses = [(await gateway.status(r.reference)).status for r in requests]
        assert set(statuses) <= {OutcomeStatus.SUCCEEDED, OutcomeStatus.NOT_FOUND}
        applied = await asyncio.to_thread(sim.applied, number)
        assert len(applied) == statuses.count(OutcomeStatus.SUCCEEDED)
    finally:
        sim.simulator.config = original
        await gateways.aclose()


async def test_latency_beyond_the_read_timeout_is_unknown_and_the_inquiry_tells(sim: SimServer) -> None:
    gateways = HttpOperatorGateways(sim.base)
    impatient = gateways.for_route(ROUTE.changed(DEFAULT_START, read_timeout_ms=100))
    patient = gateways.for_route(ROUTE)
    original = sim.simulator.config
    number = mobile()
    request = top_up(number)
    try:
        sim.simulator.config = SimConfig(latency_ms=400)
        assert await impatient.top_up(request) == TopUpOutcome.pending("timeout")
        sim.simulator.config = original
        deadline = time.monotonic() + 5
        while (found := await patient.status(request.reference)).status is OutcomeStatus.NOT_FOUND:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        assert found.status is OutcomeStatus.SUCCEEDED  # it was applied after the caller stopped waiting
        assert await patient.top_up(request) == found
        assert len(await asyncio.to_thread(sim.applied, number)) == 1
    finally:
        sim.simulator.config = original
        await gateways.aclose()


async def test_nothing_listening_is_unreachable_and_retryable() -> None:
    gateways = HttpOperatorGateways(f"http://127.0.0.1:{_free_port()}/sim", connect_retries=1)
    try:
        outcome = await gateways.for_route(ROUTE).top_up(top_up(mobile()))
    finally:
        await gateways.aclose()
    assert outcome == TopUpOutcome.failed("operator_unreachable", retryable=True)


async def test_the_listing_and_bad_requests(sim: SimServer) -> None:
    async with httpx.AsyncClient(base_url=sim.base, timeout=10) as client:
        number = mobile()
        ref = reference()
        body = {"reference": ref, "mobile": number, "operator_code": "1", "product": "airtime", "amount": 500_000}
        assert (await client.post("/topups", json=body)).status_code == 200
        listed = (await client.get("/topups", params={"mobile": "+98" + number[1:]})).json()
        assert [set(item) for item in listed] == [{"reference", "mobile", "product", "amount", "applied_at"}]
        assert listed[0]["reference"] == ref and listed[0]["amount"] == 500_000
        assert ref in [item["reference"] for item in (await client.get("/topups")).json()]
        bad_filter = await client.get("/topups", params={"mobile": "12"})
        assert bad_filter.status_code == 422 and bad_filter.json()["code"] == "mobile_invalid"
        for broken in (
            b"{not json",
            b'{"reference": "x"}',
            b'{"reference": "r r", "mobile": "09121234567", "operator_code": "1", "product": "airtime", "amount": 1}',
            b'{"reference": "r9", "mobile": "9121234567", "operator_code": "1", "product": "airtime", "amount": 1}',
            b'{"reference": "r8", "mobile": "09121234567", "operator_code": "1", "product": "airtime", "amount": 0}',
        ):
            response = await client.post("/topups", content=broken, headers={"content-type": "application/json"})
            assert response.status_code == 400, broken
            assert response.json()["status"] == "failed"
        assert (await client.get("/topups/r9")).status_code == 404


def test_kook_operator_sim_runs_as_its_own_service(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")}
    env.update({"KOOK_ENV": "test", "KOOK_DATA_DIR": str(tmp_path / "data"), "KOOK_SIM_FAIL_RATE": "1"})
    process = subprocess.Popen(
        [sys.executable, "-m", "kook.entrypoints.cli", "operator-sim", "--port", str(port), "--fail-rate", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/sim"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "kook operator-sim did not start"
            time.sleep(0.1)
        body = {"reference": "cli-1", "mobile": "09121110001", "operator_code": "1", "product": "airtime", "amount": 1}
        lost = httpx.post(f"{base}/topups", json=body, timeout=10)
        assert lost.status_code == 504  # 0001: applied, answer lost (the flag beat KOOK_SIM_FAIL_RATE=1)
        assert httpx.get(f"{base}/topups/cli-1", timeout=10).json()["status"] == "succeeded"
        assert [t["reference"] for t in httpx.get(f"{base}/topups", timeout=10).json()] == ["cli-1"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    assert "KOOK_OPERATOR_BASE_URL" in (process.stderr.read() if process.stderr else "")


def test_kook_operator_sim_refuses_prod_and_bad_rates(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")}
    env.update({"KOOK_ENV": "test", "KOOK_DATA_DIR": str(tmp_path / "data")})
    cli = [sys.executable, "-m", "kook.entrypoints.cli", "operator-sim"]
    bad = subprocess.run(
        [*cli, "--fail-rate", "0.7", "--unknown-rate", "0.7"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "must not exceed 1" in bad.stderr
    prod_env = {
        **env,
        "KOOK_ENV": "prod",
        "KOOK_SECRET_KEY": "x" * 40,
        "KOOK_REDIS_URL": "redis://127.0.0.1:6379/15",
        "KOOK_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        "KOOK_KAVENEGAR_API_KEY": "k",
        "KOOK_ZARINPAL_MERCHANT_ID": "00000000-0000-0000-0000-000000000000",
    }
    prod = subprocess.run(cli, env=prod_env, capture_output=True, text=True, timeout=60, check=False)
    assert prod.returncode == 2


def test_a_test_app_routes_every_operator_to_its_own_mounted_simulator(tmp_path: Path) -> None:
    """As under ``kook serve``: the routes have no base URL, so the gateway goes to {KOOK_PUBLIC_URL}/sim."""
    from kook.application.shared.load_operator_routing import LoadOperatorRouting
    from kook.application.shared.ports import OperatorGateways
    from kook.entrypoints.http.app import create_app
    from kook.entrypoints.ioc.containers import make_http_container
    from kook.entrypoints.settings import load_settings

    port = _free_port()
    settings = load_settings(
        {"KOOK_ENV": "test", "KOOK_DATA_DIR": str(tmp_path / "data"), "KOOK_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    )
    assert settings.operator_base_url == f"http://127.0.0.1:{port}/sim"
    upgrade(settings.database_url)
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, name="portal", daemon=True)
    thread.start()

    async def send_to_every_operator() -> list[TopUpOutcome]:
        container = make_http_container(settings)
        try:
            async with container() as scope:
                routing = await (await scope.get(LoadOperatorRouting))()
            gateways = await container.get(OperatorGateways)
            outcomes = []
            for operator, number in zip(
                Operator, ("09121234567", "09351234567", "09211234567", "09981234567"), strict=True
            ):
                request = TopUpRequest(f"wired-{int(operator)}", number, operator, "airtime", 200_000)
                outcomes.append(await gateways.for_route(routing.route_for(operator)).top_up(request))
            return outcomes
        finally:
            await container.close()

    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.05)
        outcomes = asyncio.run(send_to_every_operator())
        assert [o.status for o in outcomes] == [OutcomeStatus.SUCCEEDED] * 4
        applied = httpx.get(f"http://127.0.0.1:{port}/sim/topups", timeout=10).json()
        assert sorted(a["reference"] for a in applied) == ["wired-1", "wired-2", "wired-3", "wired-5"]
    finally:
        server.should_exit = True
        thread.join(timeout=20)

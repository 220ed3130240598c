"""Real fulfilment processes for the fault tests and the benchmark: ``kook operator-sim``, ``kook worker``
and ``kook scheduler`` as child processes over one PostgreSQL database and one Redis database; a request
built and confirmed in-process through the real use cases; and the checks every run must pass.

The in-process container enqueues with its own Redis broker client (``RedisEnqueuer``): the process-wide
Dramatiq broker of the test process may have been set up by an earlier test without Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]
from dishka import Provider, Scope, provide

from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.import_recharge_sheet import ImportRechargeSheet, UploadCommand
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Dispatcher
from kook.application.wallet.ports import WalletUnitOfWork
from kook.domain.wallet.ledger import EntryKind, bank_account
from kook.entrypoints.ioc.containers import make_http_container

KOOK = [sys.executable, "-m", "kook.entrypoints.cli"]
CUSTOMER = "c" * 32
AMOUNT = 200_000  # the smallest airtime amount: price = amount


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mobiles(count: int, *, fail_every: int = 0, lost_every: int = 0) -> list[str]:
    """``count`` distinct numbers over two operators (MCI 0912, MTN 0935).

    Every ``fail_every``-th ends 0000 (the simulator fails it definitely); every ``lost_every``-th ends 0001
    (applied, then the answer is lost: unknown until asked). The others end 5: never special.
    """
    found: list[str] = []
    for i in range(count):
        if fail_every and i % fail_every == fail_every - 1:
            found.append(f"0912{i // fail_every:03d}0000")
        elif lost_every and i % lost_every == lost_every - 1:
            found.append(f"0913{i // lost_every:03d}0001")
        else:
            found.append(f"{('0912', '0935')[i % 2]}{i:06d}5")
    assert len(set(found)) == count
    return found


def sheet(numbers: list[str], amount: int = AMOUNT) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet()
    for number in numbers:
        ws.append([number, amount])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def process_env(tmp_path: Path, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")}
    env.update(
        {
            "KOOK_ENV": "test",
            "KOOK_DATA_DIR": str(tmp_path / "data"),
            "KOOK_ARGON2_MEMORY_KIB": "1024",
            "KOOK_ARGON2_TIME_COST": "1",
            "KOOK_LOG_FORMAT": "json",
            "KOOK_LOG_LEVEL": "warning",
            "KOOK_DEMO_DATA": "false",
            "KOOK_DATABASE_URL": database_url,
            "KOOK_REDIS_URL": redis_url,
        }
    )
    env.update(extra)
    return env


FAST_FULFILMENT = {
    "KOOK_FULFILMENT_SWEEP_EVERY_SECONDS": "1",
    "KOOK_FULFILMENT_CHECK_EVERY_SECONDS": "1",
    "KOOK_FULFILMENT_STALE_AFTER_SECONDS": "5",
    "KOOK_FULFILMENT_FIRST_CHECK_SECONDS": "0.5",
    "KOOK_FULFILMENT_MAX_CHECK_SECONDS": "2",
    "KOOK_FULFILMENT_IDLE_REDISPATCH_SECONDS": "3",
    "KOOK_FULFILMENT_CHUNK_SIZE": "50",  # few lines waiting for a route slot: a claim goes stale only if lost
}


@dataclass
class Cluster:
    """The simulator, the workers and the scheduler of one test; every child is stopped by ``close``."""

    tmp_path: Path
    database_url: str
    redis_url: str
    sim_args: list[str] = field(default_factory=list)
    fulfilment: dict[str, str] = field(default_factory=lambda: dict(FAST_FULFILMENT))
    worker_threads: int = 8
    scheduler: bool = True
    sim_port: int = field(default_factory=free_port)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    others: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return process_env(
            self.tmp_path,
            self.database_url,
            self.redis_url,
            KOOK_OPERATOR_BASE_URL=f"http://127.0.0.1:{self.sim_port}/sim",
            **self.fulfilment,
        )

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = self.tmp_path / f"{name}-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            return subprocess.Popen([*KOOK, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def start_sim(self) -> None:
        sim = self._spawn("sim", ["operator-sim", "--port", str(self.sim_port), *self.sim_args])
        self.others.append(sim)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert sim.poll() is None, f"operator-sim exited: {self.tail()}"
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.sim_port), timeout=1):
                return
            time.sleep(0.2)
        raise AssertionError(f"operator-sim did not listen: {self.tail()}")

    def start_workers(self, count: int = 2) -> None:
        for _ in range(count):
            self.workers.append(self._spawn("worker", ["worker", "--threads", str(self.worker_threads)]))

    def start_scheduler(self) -> None:
        self.others.append(self._spawn("scheduler", ["scheduler"]))

    def start(self, workers: int = 2) -> None:
        self.start_sim()
        self.start_workers(workers)
        if self.scheduler:
            self.start_scheduler()

    def kill_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        self.workers.clear()

    def alive(self) -> None:
        for process in [*self.workers, *self.others]:
            assert process.poll() is None, f"a child exited ({process.args!r}): {self.tail()}"

    def tail(self, chars: int = 3000) -> str:
        text = []
        for log in self.logs[-6:]:
            with contextlib.suppress(OSError):
                text.append(f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}")
        return "\n".join(text)

    def close(self) -> None:
        for process in [*self.workers, *self.others]:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGCONT)
                    process.send_signal(signal.SIGTERM)
        for process in [*self.workers, *self.others]:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextlib.contextmanager
def cluster(tmp_path: Path, database_url: str, redis_url: str, **options: Any) -> Iterator[Cluster]:
    found = Cluster(tmp_path, database_url, redis_url, **options)
    try:
        yield found
    finally:
        found.close()


# --------------------------------------------------------------------------- the request, in-process


class RedisEnqueuer:
    """A ``Dispatcher`` that enqueues Dramatiq messages on the ``kook`` namespace of ``redis_url``."""

    def __init__(self, redis_url: str) -> None:
        from dramatiq.brokers.redis import RedisBroker

        self._broker = RedisBroker(url=redis_url, namespace="kook")  # type: ignore[no-untyped-call]
        self.sent = 0

    def dispatch(self, actor: str, **kwargs: Any) -> None:
        import dramatiq

        from kook.application.fulfilment.dispatch_runs import RUN_ACTOR
        from kook.entrypoints.worker.actors import FULFILMENT_QUEUE

        queue = FULFILMENT_QUEUE if actor == RUN_ACTOR else "default"
        self._broker.enqueue(dramatiq.Message(queue_name=queue, actor_name=actor, args=(), kwargs=kwargs, options={}))
        self.sent += 1

    def close(self) -> None:
        self._broker.close()


def app_settings(tmp_path: Path, database_url: str, redis_url: str, fulfilment: dict[str, str] | None = None) -> Any:
    from kook.entrypoints.settings import load_settings

    env = process_env(tmp_path, database_url, redis_url, **(FAST_FULFILMENT if fulfilment is None else fulfilment))
    return load_settings({k: v for k, v in env.items() if k.startswith("KOOK_")})


async def confirm_request(
    tmp_path: Path,
    database_url: str,
    redis_url: str,
    numbers: list[str],
    credit: int,
    fulfilment: dict[str, str] | None = None,
) -> tuple[str, int]:
    """Credit the wallet, create a request, import ``numbers`` from a sheet, confirm (the runs go to Redis).
    Answers the request id and the number of run messages enqueued."""
    enqueuer = RedisEnqueuer(redis_url)

    class Overrides(Provider):
        scope = Scope.APP

        @provide(override=True)
        def dispatcher(self) -> Dispatcher:
            return enqueuer

    container = make_http_container(app_settings(tmp_path, database_url, redis_url, fulfilment), Overrides())
    content = sheet(numbers)
    try:
        async with container() as scope:
            uow = await scope.get(WalletUnitOfWork)
            poster = await scope.get(LedgerPoster)
            async with uow:
                await poster.credit(
                    uow.ledger, CUSTOMER, credit, bank_account("test"), key="fault-seed", kind=EntryKind.DEPOSIT
                )
                await uow.commit()
        async with container() as scope:
            request = await (await scope.get(CreateRequest))(CUSTOMER, "آزمون خطا", "topup")
        async with container() as scope:
            result = await (await scope.get(ImportRechargeSheet))(
                UploadCommand(CUSTOMER, request.id, content, "lines.xlsx", "topup")
            )
        assert (result.rows, result.valid, result.invalid) == (len(numbers), len(numbers), 0), result
        async with container() as scope:
            status = await (await scope.get(ConfirmRechargeRequest))(request.id, CUSTOMER)
        assert status.value == "confirmed"
        return str(request.id), enqueuer.sent
    finally:
        await container.close()
        enqueuer.close()


async def wallet_and_ledger(tmp_path: Path, database_url: str, redis_url: str) -> tuple[int, int, Any]:
    from kook.application.wallet.get_wallet import GetWallet
    from kook.application.wallet.verify_ledger import VerifyLedger
    from kook.entrypoints.ioc.containers import make_worker_container

    container = make_worker_container(app_settings(tmp_path, database_url, redis_url))
    try:
        async with container() as scope:
            wallet = await (await scope.get(GetWallet))(CUSTOMER)
        async with container() as scope:
            verified = await (await scope.get(VerifyLedger))()
    finally:
        await container.close()
    return wallet.available, wallet.held, verified


# --------------------------------------------------------------------------- SQL of the checks


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


async def fetch(url: str, sql: str, *args: Any) -> list[Any]:
    import asyncpg

    conn = await asyncpg.connect(_dsn(url), timeout=5)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def execute(url: str, sql: str, *args: Any) -> None:
    import asyncpg

    conn = await asyncpg.connect(_dsn(url), timeout=5)
    try:
        await conn.execute(sql, *args)
    finally:
        await conn.close()


def status_counts(url: str, request_id: str) -> dict[str, int]:
    rows = asyncio.run(
        fetch(url, "SELECT status, count(*) AS n FROM request_lines WHERE request_id = $1 GROUP BY status", request_id)
    )
    return {row["status"]: int(row["n"]) for row in rows}


def wait_until_final(url: str, request_id: str, cluster: Cluster | None, deadline_seconds: float) -> dict[str, int]:
    """Poll until no line is open (and the request is marked finished); the counts per status."""
    deadline = time.monotonic() + deadline_seconds
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        try:
            counts = status_counts(url, request_id)
            status = asyncio.run(fetch(url, "SELECT status FROM requests WHERE id = $1", request_id))[0]["status"]
        except Exception:  # PostgreSQL restarting: ask again
            time.sleep(0.5)
            continue
        if set(counts) <= {"succeeded", "failed"} and status.startswith("completed"):
            return counts
        if cluster is not None:
            cluster.alive()
        time.sleep(0.5)
    tail = cluster.tail() if cluster is not None else ""
    raise AssertionError(f"lines still open after {deadline_seconds:.0f} s: {counts}\n{tail}")


@dataclass(frozen=True)
class Outcome:
    lines: int
    succeeded: int
    failed: int
    request_status: str


async def check_outcome(
    tmp_path: Path, url: str, redis_url: str, request_id: str, credit: int, expect_failed_mobiles: set[str]
) -> Outcome:
    """Every guarantee of a finished run (the issue's fault list)."""
    lines = await fetch(
        url,
        "SELECT id, mobile, price, status, reference, attempt FROM request_lines WHERE request_id = $1",
        request_id,
    )
    sim = await fetch(url, "SELECT reference, mobile, status, amount FROM sim_topups")
    request = (await fetch(url, "SELECT * FROM requests WHERE id = $1", request_id))[0]
    statuses = {row["status"] for row in lines}
    assert statuses <= {"succeeded", "failed"}, statuses

    applied = [row for row in sim if row["status"] == "applied"]
    by_reference: dict[str, int] = {}
    by_mobile: dict[str, int] = {}
    for row in applied:
        by_reference[row["reference"]] = by_reference.get(row["reference"], 0) + 1
        by_mobile[row["mobile"]] = by_mobile.get(row["mobile"], 0) + 1
    twice = {m: n for m, n in by_mobile.items() if n > 1}
    assert not twice, f"numbers topped up more than once: {list(twice.items())[:10]}"
    assert all(n == 1 for n in by_reference.values())

    succeeded = [row for row in lines if row["status"] == "succeeded"]
    failed = [row for row in lines if row["status"] == "failed"]
    not_applied = [row["id"] for row in succeeded if by_reference.get(row["reference"]) != 1]
    assert not not_applied, f"succeeded lines the operator never applied: {not_applied[:10]}"
    refunded_yet_applied = [row["id"] for row in failed if row["reference"] in by_reference]
    assert not refunded_yet_applied, f"failed (refunded) lines the operator applied: {refunded_yet_applied[:10]}"
    ours = {row["reference"] for row in lines}
    assert set(by_reference) <= ours, "the operator applied references of no line"
    assert len(applied) == len(succeeded)
    assert {row["mobile"] for row in failed} == expect_failed_mobiles
    assert all(row["amount"] == AMOUNT for row in applied)

    spent = sum(int(row["price"]) for row in succeeded)
    refunded = sum(int(row["price"]) for row in failed)
    assert (int(request["settled"]), int(request["released"])) == (spent, refunded)
    available, held, verified = await wallet_and_ledger(tmp_path, url, redis_url)
    assert (available, held) == (credit - spent, 0)
    assert verified == ([], [])
    expected = "completed_with_failures" if failed else "completed"
    assert request["status"] == expected
    return Outcome(len(lines), len(succeeded), len(failed), request["status"])


async def set_routes(url: str, *, max_concurrency: int, rate_limit_per_second: int) -> None:
    await execute(
        url,
        "UPDATE operator_routes SET max_concurrency = $1, rate_limit_per_second = $2, breaker_failure_threshold = 1000",
        max_concurrency,
        rate_limit_per_second,
    )

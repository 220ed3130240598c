"""Every process stops cleanly on SIGTERM (issue 17), for real, as child processes over PostgreSQL and Redis:

* ``kook web`` finishes the request in flight, answers it, then exits 0;
* ``kook worker`` hands back the lines it claimed but had not sent (back to waiting, no line left *sending*),
  hands the request over (a run message waits for the next worker), exits 0; the next worker finishes the
  request with every guarantee of a finished run (``check_outcome``);
* two ``kook scheduler`` at once enqueue each periodic job once (its period is claimed in Redis), and a stopped
  scheduler's claims do not outlive their period.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis

from kook.domain.recharges.line import LineStatus
from tests.integration.fulfilment_procs import (
    AMOUNT,
    FAST_FULFILMENT,
    KOOK,
    check_outcome,
    cluster,
    confirm_request,
    execute,
    fetch,
    free_port,
    mobiles,
    process_env,
    set_routes,
    status_counts,
    wait_until_final,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def backing(migrated_pg: str, redis_url: str) -> Iterator[tuple[str, str]]:
    from tests.integration.conftest import _clean_pg, _clean_redis

    asyncio.run(_clean_pg(migrated_pg))
    asyncio.run(_clean_redis(redis_url))
    # the routes are seeded (not emptied between tests): put back the limits a test changes
    routes = asyncio.run(
        fetch(
            migrated_pg,
            "SELECT operator, max_concurrency, rate_limit_per_second, breaker_failure_threshold FROM operator_routes",
        )
    )
    yield migrated_pg, redis_url
    for route in routes:
        asyncio.run(
            execute(
                migrated_pg,
                "UPDATE operator_routes SET max_concurrency = $2, rate_limit_per_second = $3, "
                "breaker_failure_threshold = $4 WHERE operator = $1",
                route["operator"],
                route["max_concurrency"],
                route["rate_limit_per_second"],
                route["breaker_failure_threshold"],
            )
        )


def _wait(what: str, condition: Any, seconds: float = 60.0, tail: Any = None) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds:.0f} s\n{tail() if tail else ''}")


def test_a_worker_stopped_by_sigterm_hands_back_the_lines_it_has_not_sent(
    tmp_path: Path, backing: tuple[str, str]
) -> None:
    url, redis_url = backing
    # a slow route (2 at a time, 4 a second, 300 ms each): the run claims far more lines than it can send at once
    asyncio.run(set_routes(url, max_concurrency=2, rate_limit_per_second=4))
    fulfilment = {
        **FAST_FULFILMENT,
        "KOOK_FULFILMENT_PARALLEL_RUNS": "1",  # one run message: the one in the queue afterwards is the handover
    }
    numbers = mobiles(120)
    credit = len(numbers) * AMOUNT
    with cluster(
        tmp_path, url, redis_url, sim_args=["--latency-ms", "300"], fulfilment=fulfilment, scheduler=False
    ) as procs:
        procs.start(workers=1)
        request_id, sent = asyncio.run(confirm_request(tmp_path, url, redis_url, numbers, credit, fulfilment))
        assert sent == 1
        counts = _wait(
            "a line delivered while many are claimed",
            lambda: (c := status_counts(url, request_id)).get("succeeded", 0) >= 1 and c.get("sending", 0) > 20 and c,
            tail=procs.tail,
        )
        worker = procs.workers.pop()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0, procs.tail()
        after = status_counts(url, request_id)
        assert "sending" not in after, f"claimed lines left behind: {after} (before the stop: {counts})"
        assert after.get(LineStatus.VALID, 0) > 0 and set(after) <= {LineStatus.VALID, "succeeded", "failed"}
        assert sum(after.values()) == len(numbers)
        client = Redis.from_url(redis_url)
        try:
            assert client.llen("kook:fulfilment") >= 1, "the request was not handed over"
        finally:
            client.close()
        procs.start_workers(1)  # the next worker takes the handed-over run and finishes the request
        wait_until_final(url, request_id, procs, 150)
    outcome = asyncio.run(check_outcome(tmp_path, url, redis_url, request_id, credit, set()))
    assert outcome.succeeded == len(numbers)


def test_web_finishes_the_request_in_flight_on_sigterm(tmp_path: Path, backing: tuple[str, str]) -> None:
    url, redis_url = backing
    port = free_port()
    env = process_env(tmp_path, url, redis_url, KOOK_SIM_LATENCY_MS="3000")  # the sandbox operator at /sim, slow
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        web = subprocess.Popen([*KOOK, "web", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> bool:
            assert web.poll() is None, log.read_text()
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(f"{base}/health", timeout=2).status_code == 200
            return False

        _wait("web listening", healthy, tail=log.read_text)
        answer: dict[str, Any] = {}
        body = {"reference": "in-flight-1", "mobile": "09121234567", "operator_code": "1", "product": "airtime"}

        def call() -> None:
            try:
                reply = httpx.post(f"{base}/sim/topups", json={**body, "amount": 1}, timeout=60)
                answer.update(status=reply.status_code, body=reply.json())
            except Exception as exc:  # recorded for the assertion below
                answer.update(error=repr(exc))

        caller = threading.Thread(target=call)
        caller.start()
        # in flight: the simulator has written the top-up and holds the answer until its latency is over
        _wait(
            "the request in flight",
            lambda: asyncio.run(fetch(url, "SELECT 1 FROM sim_topups WHERE reference = 'in-flight-1'")),
            tail=log.read_text,
        )
        web.send_signal(signal.SIGTERM)
        caller.join(timeout=60)
        assert answer.get("status") == 200, answer
        assert answer["body"]["status"] == "succeeded"
        assert web.wait(timeout=60) == 0, log.read_text()
    finally:
        if web.poll() is None:
            web.kill()
            web.wait()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/health", timeout=2)


def _queued_actors(client: Redis) -> list[str]:
    found: list[str] = []
    for raw in client.hvals("kook:default.msgs"):
        found.append(json.loads(raw)["actor_name"])
    return found


def test_two_schedulers_enqueue_each_periodic_job_once(tmp_path: Path, backing: tuple[str, str]) -> None:
    url, redis_url = backing
    env = process_env(
        tmp_path,
        url,
        redis_url,
        KOOK_LOG_LEVEL="info",
        KOOK_FULFILMENT_SWEEP_EVERY_SECONDS="120",  # every job's period is longer than the test
        KOOK_FULFILMENT_CHECK_EVERY_SECONDS="120",
        KOOK_WEBHOOK_SEND_EVERY_SECONDS="120",
    )
    started = time.monotonic()
    logs = [tmp_path / "scheduler-a.log", tmp_path / "scheduler-b.log"]
    schedulers = []
    for log in logs:
        with log.open("wb") as out:
            schedulers.append(subprocess.Popen([*KOOK, "scheduler"], env=env, stdout=out, stderr=subprocess.STDOUT))
    client = Redis.from_url(redis_url)
    from kook.entrypoints.scheduler import JOBS

    try:
        _wait(
            "both schedulers started",
            lambda: all("scheduler_started" in log.read_text() for log in logs),
            tail=lambda: "\n".join(log.read_text() for log in logs),
        )
        expected = sorted(job.actor for job in JOBS)
        _wait("every job enqueued", lambda: sorted(set(_queued_actors(client))) == expected)
        time.sleep(3)  # both schedulers kept looking (each asks again every second): nothing more comes
        queued = _queued_actors(client)
        elapsed = time.monotonic() - started
        # once per period whichever scheduler is first: a job whose period is shorter than the test (the rollup's
        # fold, every 10 s) may come again in a later period, never twice in one (two schedulers without claims
        # would enqueue each job twice at once)
        periods = {job.actor: job.every_seconds for job in JOBS}
        too_many = {
            actor: queued.count(actor) for actor in expected if queued.count(actor) > int(elapsed // periods[actor]) + 1
        }
        assert not too_many, f"a job was enqueued twice in one period: {too_many} in {elapsed:.1f} s"
        holders = {client.get(f"kook:scheduler:claim:{actor}") for actor in expected}
        assert None not in holders  # each period is held by one of them until it ends
        for scheduler in schedulers:
            scheduler.send_signal(signal.SIGTERM)
        for scheduler, log in zip(schedulers, logs, strict=True):
            assert scheduler.wait(timeout=60) == 0, log.read_text()
            assert "scheduler_stopped" in log.read_text()
    finally:
        for scheduler in schedulers:
            if scheduler.poll() is None:
                scheduler.kill()
                scheduler.wait()
        client.close()


async def test_redis_claims_are_exclusive_and_released_only_by_their_holder(backing: tuple[str, str]) -> None:
    from redis.asyncio import Redis as AsyncRedis

    from kook.adapters.redis.scheduler_claims import RedisSchedulerClaims

    _url, redis_url = backing
    client = AsyncRedis.from_url(redis_url)
    try:
        one, two = RedisSchedulerClaims(client, "one"), RedisSchedulerClaims(client, "two")
        assert await one.claim("x.job", 60)
        assert not await two.claim("x.job", 60)
        assert not await two.release("x.job")  # not its claim
        assert 0 < await client.pttl("kook:scheduler:claim:x.job") <= 60_000  # ends with the period
        assert await one.release("x.job")
        assert await two.claim("x.job", 60)
    finally:
        await client.aclose()

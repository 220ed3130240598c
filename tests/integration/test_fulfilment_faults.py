"""Fulfilment under faults, with every process real (issue 7, "Faults"): ``kook operator-sim``, two
``kook worker`` processes and ``kook scheduler`` over PostgreSQL and Redis; the request is confirmed
in-process through the real use cases, so its run messages go to Redis.

Each case ends with the same guarantees (``check_outcome``): every line final; the simulator's ledger
(``sim_topups``) shows each reference and each number applied at most once, and exactly once for every
succeeded line; no failed (refunded) line was applied; the wallet equals what the outcomes say; the
ledger verifies clean; the request is completed (with failures).

Faults are triggered by progress (a share of the lines final), never by the clock, and the run is awaited
by polling the database with a generous deadline: the outcome never depends on timing.

The PostgreSQL restart is last and runs only with ``KOOK_TEST_PG_RESTART=1`` (as root, on the local
cluster): it interrupts every other user of that server for a moment.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.fulfilment_procs import (
    AMOUNT,
    Cluster,
    Outcome,
    check_outcome,
    cluster,
    confirm_request,
    fetch,
    mobiles,
    set_routes,
    status_counts,
    wait_until_final,
)

pytestmark = pytest.mark.integration

DEADLINE = 150.0  # seconds for a run to finish once the faults are over


@pytest.fixture
def backing(migrated_pg: str, redis_url: str) -> tuple[str, str]:
    from tests.integration.conftest import _clean_pg, _clean_redis

    asyncio.run(_clean_pg(migrated_pg))
    asyncio.run(_clean_redis(redis_url))
    # Room enough that a run is quick; the limits themselves are tested elsewhere.
    asyncio.run(set_routes(migrated_pg, max_concurrency=64, rate_limit_per_second=5000))
    return migrated_pg, redis_url


def _final(url: str, request_id: str) -> int:
    counts = status_counts(url, request_id)
    return counts.get("succeeded", 0) + counts.get("failed", 0)


def _wait_for_share(url: str, request_id: str, lines: int, share: float, procs: Cluster) -> int:
    """Wait until ``share`` of the lines are final (the moment to strike); answers how many are."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        done = _final(url, request_id)
        if done >= share * lines:
            return done
        procs.alive()
        time.sleep(0.1)
    raise AssertionError(f"the run did not reach {share:.0%}: {status_counts(url, request_id)}\n{procs.tail()}")


def _report(case: str, outcome: Outcome, started: float, **extra: object) -> None:
    details = " ".join(f"{k}={v}" for k, v in extra.items())
    print(
        f"\n[fault {case}] lines={outcome.lines} succeeded={outcome.succeeded} failed={outcome.failed} "
        f"status={outcome.request_status} duration={time.monotonic() - started:.1f}s {details}"
    )


def _run_case(
    tmp_path: Path, backing: tuple[str, str], *, lines: int, fail_every: int, lost_every: int = 0
) -> tuple[str, list[str], int]:
    url, redis_url = backing
    numbers = mobiles(lines, fail_every=fail_every, lost_every=lost_every)
    credit = lines * AMOUNT + 1_000_000
    request_id, sent = asyncio.run(confirm_request(tmp_path, url, redis_url, numbers, credit))
    assert sent >= 1
    return request_id, numbers, credit


def _failing(numbers: list[str]) -> set[str]:
    return {n for n in numbers if n.endswith("0000")}


def test_workers_killed_at_random_moments_then_restarted(tmp_path: Path, backing: tuple[str, str]) -> None:
    url, redis_url = backing
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    started = time.monotonic()
    with cluster(tmp_path, url, redis_url) as procs:
        procs.start()
        request_id, numbers, credit = _run_case(tmp_path, backing, lines=10_000, fail_every=100)
        kills = []
        for low, high in ((0.05, 0.2), (0.3, 0.45), (0.55, 0.7), (0.75, 0.85)):
            done = _wait_for_share(url, request_id, len(numbers), rng.uniform(low, high), procs)
            procs.kill_workers()  # SIGKILL: no drain, messages and claims left behind
            kills.append(done)
            time.sleep(rng.uniform(0, 1.0))
            procs.start_workers(2)
        counts = wait_until_final(url, request_id, procs, DEADLINE)
    outcome = asyncio.run(check_outcome(tmp_path, url, redis_url, request_id, credit, _failing(numbers)))
    assert sum(counts.values()) == len(numbers) == outcome.lines
    assert all(k < len(numbers) for k in kills)  # every kill struck a run in progress
    _report("sigkill", outcome, started, kills=len(kills), final_at_kills=kills, seed=seed)


def test_worker_frozen_past_the_heartbeat_then_resumed(tmp_path: Path, backing: tuple[str, str]) -> None:
    from kook.entrypoints.worker.broker import HEARTBEAT_TIMEOUT_MS

    url, redis_url = backing
    started = time.monotonic()
    with cluster(tmp_path, url, redis_url, sim_args=["--latency-ms", "20"]) as procs:
        procs.start()
        request_id, numbers, credit = _run_case(tmp_path, backing, lines=3_000, fail_every=100)
        at = _wait_for_share(url, request_id, len(numbers), 0.15, procs)
        frozen = procs.workers[0]
        frozen.send_signal(signal.SIGSTOP)
        try:
            time.sleep(HEARTBEAT_TIMEOUT_MS / 1000 + 4)  # its messages are redelivered, its claims go stale
            during = _final(url, request_id)
        finally:
            frozen.send_signal(signal.SIGCONT)
        counts = wait_until_final(url, request_id, procs, DEADLINE)
        procs.alive()  # the resumed worker carries on
    outcome = asyncio.run(check_outcome(tmp_path, url, redis_url, request_id, credit, _failing(numbers)))
    assert sum(counts.values()) == len(numbers)
    assert at < len(numbers)
    _report("sigstop", outcome, started, final_at_stop=at, final_at_resume=during)


def test_redis_flushed_in_the_middle_of_a_run(tmp_path: Path, backing: tuple[str, str]) -> None:
    from redis import Redis

    url, redis_url = backing
    started = time.monotonic()
    with cluster(tmp_path, url, redis_url, sim_args=["--latency-ms", "20"]) as procs:
        procs.start()
        request_id, numbers, credit = _run_case(tmp_path, backing, lines=3_000, fail_every=100)
        at = _wait_for_share(url, request_id, len(numbers), 0.3, procs)
        client = Redis.from_url(redis_url)
        try:
            # FLUSHDB of the test's database: all Kook keeps in Redis (queues, acks, limits) — FLUSHALL
            # would also wipe the other databases of a shared server.
            client.flushdb()
        finally:
            client.close()
        counts = wait_until_final(url, request_id, procs, DEADLINE)
    outcome = asyncio.run(check_outcome(tmp_path, url, redis_url, request_id, credit, _failing(numbers)))
    assert sum(counts.values()) == len(numbers)
    assert at < len(numbers)
    _report("flush", outcome, started, final_at_flush=at)


def test_unknown_outcomes_are_resolved_by_inquiry_never_refunded(tmp_path: Path, backing: tuple[str, str]) -> None:
    url, redis_url = backing
    started = time.monotonic()
    with cluster(tmp_path, url, redis_url, sim_args=["--unknown-rate", "0.1"]) as procs:
        procs.start()
        # 0001: applied, answer lost, every time; plus 10% random lost answers (half applied, half not)
        request_id, numbers, credit = _run_case(tmp_path, backing, lines=2_000, fail_every=100, lost_every=50)
        counts = wait_until_final(url, request_id, procs, DEADLINE)
    outcome = asyncio.run(check_outcome(tmp_path, url, redis_url, request_id, credit, _failing(numbers)))
    assert sum(counts.values()) == len(numbers)
    rows = asyncio.run(
        fetch(url, "SELECT mobile, status, attempt FROM request_lines WHERE request_id = $1", request_id)
    )
    lost = [r for r in rows if r["mobile"].endswith("0001")]
    # applied, answer lost on every send: only an inquiry can tell it succeeded
    assert lost and all(r["status"] == "succeeded" for r in lost)
    resent = sum(1 for r in rows if r["attempt"] > 1)
    assert resent > 0  # lost without being applied → inquiry "not found" → sent again, same reference
    _report("unknown", outcome, started, deterministic_lost=len(lost), sent_again=resent)


def _local_cluster_restart() -> list[str] | None:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if os.geteuid() != 0 or not versions:
        return None
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"]


@pytest.mark.skipif(
    os.environ.get("KOOK_TEST_PG_RESTART") != "1",
    reason="restarts the shared PostgreSQL server: set KOOK_TEST_PG_RESTART=1 (CI does)",
)
def test_postgres_restarted_in_the_middle_of_a_run(tmp_path: Path, backing: tuple[str, str]) -> None:
    url, redis_url = backing
    command = _local_cluster_restart()
    if command is None or not any(host in url for host in ("@127.0.0.1", "@localhost")):
        pytest.fail("KOOK_TEST_PG_RESTART=1 needs root and the local PostgreSQL cluster", pytrace=False)
    started = time.monotonic()
    with cluster(tmp_path, url, redis_url, sim_args=["--latency-ms", "20"]) as procs:
        procs.start()
        request_id, numbers, credit = _run_case(tmp_path, backing, lines=2_000, fail_every=100)
        at = _wait_for_share(url, request_id, len(numbers), 0.3, procs)
        restarted = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert restarted.returncode == 0, restarted.stderr
        counts = wait_until_final(url, request_id, procs, DEADLINE)
    outcome = asyncio.run(check_outcome(tmp_path, url, redis_url, request_id, credit, _failing(numbers)))
    assert sum(counts.values()) == len(numbers)
    assert at < len(numbers)
    _report("pg-restart", outcome, started, final_at_restart=at)

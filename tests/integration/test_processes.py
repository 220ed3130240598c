"""The production processes for real: `kook migrate`, `kook staff create`,
`kook worker` on the Redis broker (a message runs, SIGTERM stops it cleanly),
`kook scheduler` (enqueues, stops on SIGTERM), and settings errors."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

KOOK = [sys.executable, "-m", "kook.entrypoints.cli"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")}
    env.update(
        {
            "KOOK_ENV": "test",
            "KOOK_DATA_DIR": str(tmp_path / "data"),
            "KOOK_ARGON2_MEMORY_KIB": "1024",
            "KOOK_ARGON2_TIME_COST": "1",
            "KOOK_LOG_FORMAT": "json",
        }
    )
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KOOK, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def test_bad_setting_stops_with_a_message_naming_the_variable(tmp_path: Path) -> None:
    result = _run(["migrate"], _env(tmp_path, KOOK_OTP_TTL_SECONDS="two minutes"))
    assert result.returncode == 2
    assert "KOOK_OTP_TTL_SECONDS" in result.stderr
    prod = _run(["migrate"], _env(tmp_path, KOOK_ENV="prod"))
    assert prod.returncode == 2 and "KOOK_SECRET_KEY" in prod.stderr


def test_migrate_and_staff_create(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _run(["migrate"], env).returncode == 0
    created = _run(
        ["staff", "create", "--mobile", "+989120000009", "--password", "staff-password-1", "--role", "finance"], env
    )
    assert created.returncode == 0, created.stderr
    assert "09120000009" in created.stdout and "finance" in created.stdout
    again = _run(
        ["staff", "create", "--mobile", "09120000009", "--password", "staff-password-1", "--role", "admin"], env
    )
    assert again.returncode == 1 and "conflict" in again.stderr
    weak = _run(["staff", "create", "--mobile", "09120000008", "--password", "short", "--role", "admin"], env)
    assert weak.returncode == 1 and "password_too_weak" in weak.stderr
    assert "staff-password-1" not in created.stdout + created.stderr


async def _insert_old_code(url: str) -> None:
    from kook.adapters.postgres.tables.identity import one_time_codes

    engine = create_async_engine(url)
    old = datetime.now(UTC) - timedelta(days=3)
    async with engine.begin() as connection:
        await connection.execute(
            one_time_codes.insert().values(
                id="0" * 32,
                mobile="09121234567",
                purpose="login",
                code_hash="x",
                created_at=old,
                expires_at=old,
                attempts=0,
            )
        )
    await engine.dispose()


async def _codes_left(url: str) -> int:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        count = (await connection.execute(sa.text("SELECT count(*) FROM one_time_codes"))).scalar_one()
    await engine.dispose()
    return int(count)


def _enqueue(redis_url: str, actor_name: str) -> None:
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker

    broker = RedisBroker(url=redis_url, namespace="kook")  # type: ignore[no-untyped-call]
    broker.enqueue(dramatiq.Message(queue_name="default", actor_name=actor_name, args=(), kwargs={}, options={}))
    broker.close()


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
        pytest.fail(f"did not stop on SIGTERM: {err[-2000:]}")
    return process.returncode, err


def test_worker_runs_a_message_from_redis_and_stops_on_sigterm(
    tmp_path: Path, migrated_pg: str, redis_url: str
) -> None:
    from tests.integration.conftest import _clean_pg, _clean_redis

    asyncio.run(_clean_pg(migrated_pg))
    asyncio.run(_clean_redis(redis_url))
    asyncio.run(_insert_old_code(migrated_pg))
    env = _env(tmp_path, KOOK_DATABASE_URL=migrated_pg, KOOK_REDIS_URL=redis_url)
    worker = subprocess.Popen(
        [*KOOK, "worker", "--threads", "2"], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    try:
        _enqueue(redis_url, "identity.purge_expired")
        deadline = time.monotonic() + 60
        while asyncio.run(_codes_left(migrated_pg)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert asyncio.run(_codes_left(migrated_pg)) == 0
    finally:
        code, err = _stop(worker)
    assert code == 0, err[-3000:]
    assert "worker_started" in err and "worker_stopped" in err and "identity_purged" in err


def test_scheduler_enqueues_and_stops_on_sigterm(tmp_path: Path, redis_url: str, pg_url: str) -> None:
    from redis import Redis

    from tests.integration.conftest import _clean_redis

    asyncio.run(_clean_redis(redis_url))
    env = _env(tmp_path, KOOK_DATABASE_URL=pg_url, KOOK_REDIS_URL=redis_url)
    scheduler = subprocess.Popen(
        [*KOOK, "scheduler"], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    client = Redis.from_url(redis_url)
    try:
        deadline = time.monotonic() + 30
        while not client.llen("kook:default") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.llen("kook:default") >= 1
    finally:
        code, err = _stop(scheduler)
        client.close()
    assert code == 0, err[-3000:]
    assert "scheduler_started" in err and "scheduler_stopped" in err


def test_ledger_verify_finds_nothing_on_fresh_books(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _run(["migrate"], env).returncode == 0
    result = _run(["ledger", "verify"], env)
    assert result.returncode == 0, result.stderr
    assert "every wallet equals the sum of its postings" in result.stdout


def test_worker_logs_the_carried_request_id_and_counts_the_job_in_the_shared_metrics_directory(
    tmp_path: Path, migrated_pg: str, redis_url: str
) -> None:
    """A message enqueued with a request id (as a web request enqueues it) is processed under that id in the
    worker's JSON log lines; the job's outcome lands in PROMETHEUS_MULTIPROC_DIR, which /metrics sums."""
    import json

    import dramatiq
    from dramatiq.brokers.redis import RedisBroker
    from prometheus_client import CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    from tests.integration.conftest import _clean_pg, _clean_redis

    asyncio.run(_clean_pg(migrated_pg))
    asyncio.run(_clean_redis(redis_url))
    asyncio.run(_insert_old_code(migrated_pg))
    metrics_dir = tmp_path / "prom"
    metrics_dir.mkdir()
    env = _env(
        tmp_path, KOOK_DATABASE_URL=migrated_pg, KOOK_REDIS_URL=redis_url, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)
    )
    worker = subprocess.Popen(
        [*KOOK, "worker", "--threads", "2"], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    try:
        broker = RedisBroker(url=redis_url, namespace="kook")  # type: ignore[no-untyped-call]
        broker.enqueue(
            dramatiq.Message(
                queue_name="default",
                actor_name="identity.purge_expired",
                args=(),
                kwargs={},
                options={"request_id": "req-from-web-7"},
            )
        )
        broker.close()
        deadline = time.monotonic() + 180  # a worker boots slowly on a loaded machine
        while asyncio.run(_codes_left(migrated_pg)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert asyncio.run(_codes_left(migrated_pg)) == 0
    finally:
        code, err = _stop(worker)
    assert code == 0, err[-3000:]
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    purged = [e for e in events if e.get("event") == "identity_purged"]
    assert purged, err[-3000:]
    assert purged[0]["request_id"] == "req-from-web-7"
    assert purged[0]["actor"] == "identity.purge_expired" and purged[0]["job_id"]
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(metrics_dir))  # type: ignore[no-untyped-call]
    text = generate_latest(registry).decode()
    assert 'kook_jobs_total{actor="identity.purge_expired",outcome="succeeded"} 1.0' in text

"""The production topology under load (issue 17), headless, time-bounded, on loopback only.

    KOOK_BENCH_DATABASE_URL=postgresql+asyncpg://…/bench KOOK_BENCH_REDIS_URL=redis://…/6 \\
        .venv/bin/python benchmarks/load/run.py [--users 20] [--minutes 1] [--fault]

Starts ``scripts/topology.py``'s set (simulator with 50 ms latency, two web, three workers, two schedulers)
on scratch databases, seeds one customer with a funded wallet, runs ``locustfile.py`` (logins, 1,000-row uploads,
confirmations, progress polls, report queries, online payments) spread over both web processes, then waits for
every confirmed request to finish and prints p50/p95 per route, the error rate and lines per minute. Afterwards
``kook ledger verify`` must be clean and the simulator must have applied every succeeded line exactly once (and
no failed one). ``--fault`` SIGKILLs one worker and one web process halfway and restarts them: same checks.

The defaults are small because the development machine has 2 cores shared with other work; the issue's full
load is ``--users 200 --minutes 5``. ``--think``: seconds a user waits between two actions (default 5,15).

PostgreSQL with ``autovacuum = off`` (this machine's test server) is given a ``VACUUM (ANALYZE)`` once a minute in
its place, as production's autovacuum would do; the run prints that it did.

Measured on a machine of its own (2026-12-03; docs/SCALING.md has the tables), with that stand-in:
``--users 200 --minutes 5`` at 5-15 s (uvicorn): 6,608 calls, **0 errors**; p95 wallet 29 ms, progress 49,
report 150, export status 50, upload 1,000 rows 200, confirm 520 ms; 73,173 lines/min during the load (95% of the
route's limit), all 377,000 succeeded 307 s after the start; ledger verify clean, every succeeded line applied
exactly once, every process exit 0. With ``--fault``: 6,598 calls, 0 errors (50 refused connections sent
to the other web), p95 wallet 33, progress 58, report 140, upload 280 ms; 61,929 lines/min; the same invariants.

Before the stand-in (autovacuum simply off): 6,164 and 6,493 calls (granian, uvicorn), **0 errors**; p95 wallet
70 / 94 ms, progress 140 / 150, report 680 / 790, upload 1,000 rows 670 / 650, confirm 1,700 / 1,300 ms;
44,407 and 41,529 lines/min during the load, all 368,000 lines succeeded 430 / 447 s after the start; ledger
verify clean, every succeeded line applied exactly once, every process exit 0. With ``--fault`` (granian):
6,466 calls, 0 errors (66 refused connections sent to the other web), the same invariants.

Measured earlier at the stress pace (0.5-2 s) on the 2 shared cores: ``--users 200 --minutes 5``, load average 7.5
at the start and 17.6 at the end of the load: 9,186 calls, 78 failed (0.85%: 21 answers 500 that waited 30 s
for a pooled connection, 3 failed logins and the 58 answers 401 of the users whose login had failed); p50 / p95
wallet 290 / 11,000 ms, progress 400 / 12,000, report 1,200 / 19,000, upload 1,000 rows 5,000 / 28,000,
confirm 11,000 / 29,000, login 3,000 / 22,000 ms; 22,000 lines final during the load (4,246 lines/min) of
550,000 queued, 236,179 succeeded 914 s after the start; ledger verify clean, every succeeded line applied
exactly once, every process exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CREDIT = 10**13  # rials: every upload the run can make


def _topology_module() -> Any:
    spec = importlib.util.spec_from_file_location("kook_topology", ROOT / "scripts" / "topology.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kook_topology"] = module
    spec.loader.exec_module(module)
    return module


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


@contextlib.asynccontextmanager
async def _connection(url: str) -> AsyncIterator[Any]:
    """A plain asyncpg connection to ``url`` (a SQLAlchemy URL), closed after the block."""
    import asyncpg

    conn = await asyncpg.connect(_dsn(url))
    try:
        yield conn
    finally:
        await conn.close()


async def _reset(url: str, redis_url: str) -> None:
    from redis.asyncio import Redis

    async with _connection(url) as conn:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()


async def _seed(env: dict[str, str]) -> None:
    from kook.application.shared.ledger_poster import LedgerPoster
    from kook.application.wallet.ports import WalletUnitOfWork
    from kook.domain.wallet.ledger import EntryKind, bank_account
    from kook.entrypoints.ioc.containers import make_worker_container
    from kook.entrypoints.settings import load_settings
    from kook.sandbox.demo import seed_demo_data

    settings = load_settings(env)
    container = make_worker_container(settings)
    try:
        await seed_demo_data(container)
        async with _connection(settings.database_url) as conn:
            customer = await conn.fetchval("SELECT id FROM customers LIMIT 1")
            # room enough on every route that the operator's latency, not the limits, paces the lines
            await conn.execute("UPDATE operator_routes SET max_concurrency = 64, rate_limit_per_second = 5000")
        async with container() as scope:
            uow = await scope.get(WalletUnitOfWork)
            poster = await scope.get(LedgerPoster)
            async with uow:
                await poster.credit(
                    uow.ledger, customer, CREDIT, bank_account("load"), key="load-seed", kind=EntryKind.DEPOSIT
                )
                await uow.commit()
    finally:
        await container.close()


async def _lines(url: str) -> dict[str, int]:
    """Lines by status, and ``open_requests``: requests still in fulfilment (confirmed or running) — one
    statement, so one snapshot (two would show lines still *sending* beside a request already finished)."""
    async with _connection(url) as conn:
        rows = await conn.fetch(
            "SELECT status, count(*) AS n FROM request_lines GROUP BY status UNION ALL "
            "SELECT 'open_requests', count(*) FROM requests WHERE status IN ('confirmed', 'running')"
        )
    return {row["status"]: int(row["n"]) for row in rows}


async def _exactly_once(url: str) -> list[str]:
    """What is wrong between the lines and the simulator's ledger of applied top-ups (empty: nothing)."""
    async with _connection(url) as conn:
        problems = []
        twice = await conn.fetchval(
            "SELECT count(*) FROM (SELECT reference FROM sim_topups WHERE status = 'applied' "
            "GROUP BY reference HAVING count(*) > 1) t"
        )
        if twice:
            problems.append(f"{twice} reference(s) applied more than once")
        missing = await conn.fetchval(
            "SELECT count(*) FROM request_lines l WHERE l.status = 'succeeded' AND NOT EXISTS "
            "(SELECT 1 FROM sim_topups s WHERE s.reference = l.reference AND s.status = 'applied')"
        )
        if missing:
            problems.append(f"{missing} succeeded line(s) the simulator never applied")
        refunded = await conn.fetchval(
            "SELECT count(*) FROM request_lines l WHERE l.status = 'failed' AND EXISTS "
            "(SELECT 1 FROM sim_topups s WHERE s.reference = l.reference AND s.status = 'applied')"
        )
        if refunded:
            problems.append(f"{refunded} failed (refunded) line(s) the simulator applied")
        applied = await conn.fetchval("SELECT count(*) FROM sim_topups WHERE status = 'applied'")
        succeeded = await conn.fetchval("SELECT count(*) FROM request_lines WHERE status = 'succeeded'")
        if applied != succeeded:
            problems.append(f"{applied} applied top-ups for {succeeded} succeeded lines")
        held = await conn.fetchval("SELECT coalesce(sum(held), 0) FROM wallets")
        open_requests = await conn.fetchval("SELECT count(*) FROM requests WHERE status IN ('confirmed', 'running')")
        if held and not open_requests:
            problems.append(f"{held} rials still held with no request open")
        return problems


async def _autovacuum_is_on(url: str) -> bool:
    async with _connection(url) as conn:
        return await conn.fetchval("SHOW autovacuum") == "on"  # type: ignore[no-any-return]


async def _vacuum_analyze(url: str) -> None:
    async with _connection(url) as conn:
        await conn.execute("VACUUM (ANALYZE)")


def _stand_in_for_autovacuum(url: str, stop: threading.Event, rounds: list[float]) -> None:
    """``VACUUM (ANALYZE)`` once a minute, as autovacuum would on a server that runs it (compose's postgres does;
    this machine's test server has it off). Without it the lines table grows by hundreds of thousands of rows
    with no statistics: the planner, believing it nearly empty, reads every line of the day for a report's page
    of 50 (measured: 370 ms where the index gives it in a few)."""
    while not stop.wait(60):
        began = time.monotonic()
        asyncio.run(_vacuum_analyze(url))
        rounds.append(time.monotonic() - began)


def _loadavg() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1 / 5 / 15 min)"


def _stats(prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{prefix}_stats.csv")
    with path.open() as f:
        return list(csv.DictReader(f))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--fault", action="store_true", help="SIGKILL worker-1 and web-1 halfway, then restart them")
    parser.add_argument(
        "--think",
        default="5,15",
        help="seconds a user waits between two actions, low,high (5,15: people reading pages; 0.5,2: stress)",
    )
    parser.add_argument("--finish-seconds", type=float, default=600.0, help="how long to wait for the lines to finish")
    args = parser.parse_args()
    url, redis_url = os.environ.get("KOOK_BENCH_DATABASE_URL", ""), os.environ.get("KOOK_BENCH_REDIS_URL", "")
    if not url.startswith("postgresql") or not redis_url:
        raise SystemExit("set KOOK_BENCH_DATABASE_URL (scratch PostgreSQL) and KOOK_BENCH_REDIS_URL (scratch Redis db)")
    run_dir = Path(tempfile.mkdtemp(prefix="kook-load-"))
    os.environ.update(KOOK_DATABASE_URL=url, KOOK_REDIS_URL=redis_url)
    extra = {
        "KOOK_ENV": "test",
        "KOOK_DATA_DIR": str(run_dir / "data"),
        "KOOK_DEMO_DATA": "false",
        "KOOK_LOGIN_PER_ADDRESS": "1000000",  # every user comes from 127.0.0.1
        "KOOK_ARGON2_MAX_CONCURRENT": "2",
        "KOOK_HTTP_SECURE_COOKIES": "false",
        "KOOK_WALLET_PAYMENT_MAX": "500000000",
    }
    asyncio.run(_reset(url, redis_url))
    topology = _topology_module().Topology(sim_args=["--latency-ms", "50"], run_dir=run_dir, extra_env=extra)
    env = topology.env()
    from kook.adapters.postgres.migrate import upgrade

    upgrade(url)
    asyncio.run(_seed({k: v for k, v in env.items() if k.startswith("KOOK_")}))
    faults = " with faults" if args.fault else ""
    print(
        f"load: {args.users} users for {args.minutes:g} min{faults}, {args.think} s between actions; "
        f"load average {_loadavg()}; starting"
    )
    topology.start(migrate=False)
    print(topology.describe(), flush=True)
    seconds = int(args.minutes * 60)
    prefix = run_dir / "locust"
    locust_env = dict(env, KOOK_LOAD_WEBS=",".join(topology.web_urls), KOOK_LOAD_THINK=args.think)
    events: list[str] = []

    def strike() -> None:
        time.sleep(seconds / 2)
        for name in ("worker-1", "web-1"):
            topology.kill(name)
            events.append(f"{time.strftime('%H:%M:%S')} SIGKILL {name}")
        for name in ("worker-1", "web-1"):
            topology.restart(name)
            events.append(f"{time.strftime('%H:%M:%S')} restarted {name}")

    striker = threading.Thread(target=strike, daemon=True) if args.fault else None
    vacuum_stop, vacuums = threading.Event(), list[float]()
    vacuumer = None
    if not asyncio.run(_autovacuum_is_on(url)):
        vacuumer = threading.Thread(target=_stand_in_for_autovacuum, args=(url, vacuum_stop, vacuums), daemon=True)
        vacuumer.start()
    try:
        before = asyncio.run(_lines(url))
        began = time.monotonic()
        if striker:
            striker.start()
        subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{seconds}s",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=locust_env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        load_seconds = time.monotonic() - began
        load_after = _loadavg()
        if striker:
            striker.join(timeout=300)
        during = asyncio.run(_lines(url))
        deadline = time.monotonic() + args.finish_seconds
        counts = during
        while time.monotonic() < deadline:
            counts = asyncio.run(_lines(url))
            if counts["open_requests"] == 0:
                break
            time.sleep(2)
        finished_seconds = time.monotonic() - began
    finally:
        vacuum_stop.set()
        if vacuumer:
            vacuumer.join(timeout=300)
        codes = topology.stop()
    rows = _stats(prefix)
    print(f"\n{'route':<40} {'requests':>8} {'fail':>6} {'p50 ms':>8} {'p95 ms':>8}")
    total = failures = 0
    for row in rows:
        if row["Name"] == "Aggregated":
            total, failures = int(row["Request Count"]), int(row["Failure Count"])
        route = f"{row['Type']} {row['Name']}" if row["Name"] != "Aggregated" else "all"
        print(f"{route:<40} {row['Request Count']:>8} {row['Failure Count']:>6} {row['50%']:>8} {row['95%']:>8}")
    final = lambda c: c.get("succeeded", 0) + c.get("failed", 0)  # noqa: E731
    done_in_load = final(during) - final(before)
    print(f"\nload average at the end of the load: {load_after}")
    print(f"error rate {failures / max(1, total):.2%} ({failures} of {total})")
    print(f"lines final during the load: {done_in_load} ({done_in_load / (load_seconds / 60):.0f} lines/min)")
    when = "all final" if counts["open_requests"] == 0 else "when the wait for the rest ended"
    print(f"lines at the end: {counts} ({when}, {finished_seconds:.0f} s after the start)")
    for event in events:
        print(event)
    if vacuumer:
        took = ", ".join(f"{x:.1f}" for x in vacuums)
        print(f"autovacuum is off on this server: VACUUM (ANALYZE) ran once a minute in its place ({took} s)")
    verify = subprocess.run(
        [sys.executable, "-m", "kook.entrypoints.cli", "ledger", "verify"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    print(f"kook ledger verify: exit {verify.returncode}: {verify.stdout.strip()[-300:]}")
    problems = asyncio.run(_exactly_once(url))
    print(problems or "simulator: every succeeded line applied exactly once, no failed line applied")
    print("stopped: " + ", ".join(f"{name}={code}" for name, code in codes.items()))
    return 0 if verify.returncode == 0 and not problems else 1


if __name__ == "__main__":
    raise SystemExit(main())

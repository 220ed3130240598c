"""Fulfilment throughput with every process real: 10,000 lines against ``kook operator-sim --latency-ms 50``,
two ``kook worker`` processes and ``kook scheduler``, the routes' concurrency cap at 64. Prints lines per
second, the ratio to the route's limit (cap ÷ latency = 1,280/s) and the 95th-percentile time from
confirmation to a line's outcome. Target (issue 7, 2-core machine): ≥ 1,000 lines/s and ≥ 80% of the limit.

Usage: KOOK_BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/bench \
       KOOK_BENCH_REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/fulfilment.py [lines] [cap] \
       [--topology]
``--topology``: the production set of ``scripts/topology.py`` instead — the simulator, two web processes, three
workers and two schedulers (issue 17) — on free ports, logging at info as the topology does.
Measured with ``--topology`` (10,000 lines, cap 64, 2 shared cores): 512 lines/s, 40% of the limit, p50 / p95
confirmation → outcome 10.45 / 18.99 s, workers 0.84 ms CPU per line (load average 11.2 → 9.3 at the start);
again 559 lines/s, 44%, 11.93 / 17.48 s, 0.75 ms (load 8.9). Every line succeeded once, none sent again.
On a machine of its own (2026-12-03, load 2.3): 973 and 997 lines/s, **76% and 78%** of the limit, p50 / p95
5.76 / 9.86 s and 5.51 / 9.62 s, workers 0.90 and 0.94 ms CPU per line; every line succeeded once.
(Defaults: KOOK_TEST_DATABASE_URL / KOOK_TEST_REDIS_URL. The database is migrated and emptied and the Redis
database flushed first: use scratch ones.) Extra ``KOOK_FULFILMENT_*`` variables reach the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.integration.fulfilment_procs

from kook.adapters.postgres.migrate import upgrade
from tests.integration.conftest import _clean_pg, _clean_redis
from tests.integration.fulfilment_procs import (
    AMOUNT,
    FAST_FULFILMENT,
    Cluster,
    check_outcome,
    cluster,
    confirm_request,
    fetch,
    free_port,
    process_env,
    set_routes,
    wait_until_final,
)

URL = os.environ.get("KOOK_BENCH_DATABASE_URL") or os.environ.get(
    "KOOK_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS = os.environ.get("KOOK_BENCH_REDIS_URL") or os.environ.get("KOOK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LATENCY_MS = 50


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_booted(pids: list[int], timeout: float = 120) -> None:
    """Until every child has gone quiet (under 5% of a core for half a second): imports and boot done."""
    deadline = time.monotonic() + timeout
    time.sleep(1)
    while time.monotonic() < deadline:
        before = [_cpu_seconds(pid) for pid in pids]
        time.sleep(0.5)
        if all(_cpu_seconds(pid) - b < 0.025 for pid, b in zip(pids, before, strict=True)):
            return
    raise SystemExit("the workers did not settle after booting")


@contextlib.contextmanager
def processes(tmp: Path, fulfilment: dict[str, str], topology: bool) -> Iterator[tuple[list[int], int, Cluster | None]]:
    """(worker pids, simulator pid, the test cluster or None) of the processes that run the lines."""
    sim_args = ["--latency-ms", str(LATENCY_MS)]
    if not topology:
        with cluster(tmp, URL, REDIS, sim_args=sim_args, fulfilment=fulfilment) as procs:
            procs.start()
            yield [p.pid for p in procs.workers], procs.others[0].pid, procs
        return
    script = Path(__file__).resolve().parents[1] / "scripts" / "topology.py"
    spec = importlib.util.spec_from_file_location("kook_topology", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kook_topology"] = module
    spec.loader.exec_module(module)
    env = {k: v for k, v in process_env(tmp, URL, REDIS, **fulfilment).items() if k.startswith("KOOK_")}
    env["KOOK_LOG_LEVEL"] = "info"  # as the topology runs (it sees a worker ready by its worker_started line)
    os.environ.update(KOOK_DATABASE_URL=URL, KOOK_REDIS_URL=REDIS)
    web_port = free_port()
    while _taken(web_port + 1):  # the second web process listens on the next port
        web_port = free_port()
    sim_port = free_port()
    while sim_port in (web_port, web_port + 1):
        sim_port = free_port()
    run = module.Topology(sim_args=sim_args, run_dir=tmp, extra_env=env, port=web_port, sim_port=sim_port)
    run.start(migrate=False)
    try:
        workers = [p.process.pid for p in run.procs if p.name.startswith("worker-")]
        yield workers, run.get("operator-sim").process.pid, None
    finally:
        run.stop()


def _taken(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def main(lines: int = 10_000, cap: int = 64, topology: bool = False) -> None:
    upgrade(URL)
    asyncio.run(_clean_pg(URL))
    asyncio.run(_clean_redis(REDIS))
    asyncio.run(set_routes(URL, max_concurrency=cap, rate_limit_per_second=100_000))
    extra = {k: v for k, v in os.environ.items() if k.startswith("KOOK_FULFILMENT_")}
    fulfilment = {
        "KOOK_FULFILMENT_SWEEP_EVERY_SECONDS": "5",
        "KOOK_FULFILMENT_CHECK_EVERY_SECONDS": "1",
        "KOOK_FULFILMENT_FIRST_CHECK_SECONDS": FAST_FULFILMENT["KOOK_FULFILMENT_FIRST_CHECK_SECONDS"],
        **extra,
    }
    # one operator, so one route: its cap ÷ latency is the whole limit the run can reach
    numbers = [f"0912{i:06d}5" for i in range(lines)]
    credit = lines * AMOUNT
    with tempfile.TemporaryDirectory() as tmp, processes(Path(tmp), fulfilment, topology) as (workers, sim, procs):
        others = [sim] if topology else [p.pid for p in procs.others] if procs else [sim]
        wait_booted([*workers, *others])  # the run is measured, not the start
        children = {"workers": workers, "simulator": [sim]}
        cpu_before = {name: sum(_cpu_seconds(pid) for pid in pids) for name, pids in children.items()}
        request_id, _sent = asyncio.run(confirm_request(Path(tmp), URL, REDIS, numbers, credit, fulfilment))
        wait_until_final(URL, request_id, procs, 600)
        cpu = {name: sum(_cpu_seconds(pid) for pid in pids) - cpu_before[name] for name, pids in children.items()}
        outcome = asyncio.run(check_outcome(Path(tmp), URL, REDIS, request_id, credit, set()))
        rows = asyncio.run(
            fetch(
                URL,
                "SELECT EXTRACT(EPOCH FROM l.finished_at - r.confirmed_at) AS s, l.attempt"
                " FROM request_lines l JOIN requests r ON r.id = l.request_id WHERE r.id = $1",
                request_id,
            )
        )
    seconds = sorted(float(row["s"]) for row in rows)
    total = seconds[-1]
    rate = lines / total
    limit = cap / (LATENCY_MS / 1000)
    p95 = seconds[int(0.95 * (len(seconds) - 1))]
    resent = sum(1 for row in rows if row["attempt"] > 1)
    where = "topology: 2 web, 3 workers, 2 schedulers" if topology else "2 workers, 1 scheduler"
    print(f"{where}; load average {os.getloadavg()[0]:.1f}")
    print(f"lines: {outcome.lines} (succeeded {outcome.succeeded}, failed {outcome.failed}, sent again {resent})")
    print(f"confirmation → last outcome: {total:.2f} s")
    print(f"throughput: {rate:,.0f} lines/s")
    print(f"route limit (cap {cap} ÷ {LATENCY_MS} ms): {limit:,.0f}/s → ratio {rate / limit:.0%}")
    print(f"p50 confirmation → outcome: {seconds[len(seconds) // 2]:.2f} s; p95: {p95:.2f} s")
    print("CPU per line: " + ", ".join(f"{name} {seconds * 1000 / lines:.2f} ms" for name, seconds in cpu.items()))
    print("guarantees: every line final, each number applied once, wallet and ledger exact")


if __name__ == "__main__":
    given = [int(a) for a in sys.argv[1:] if a != "--topology"]
    main(given[0] if given else 10_000, given[1] if len(given) > 1 else 64, topology="--topology" in sys.argv[1:])

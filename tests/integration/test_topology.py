"""``scripts/topology.py`` for real (issue 17): two web processes, three workers, two schedulers and the simulator
from one command against PostgreSQL and Redis; each web answers /ready; /metrics of one web counts what the
workers did (one shared multiprocess directory); SIGTERM stops them all, each with status 0."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.fulfilment_procs import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_topology_starts_every_process_and_stops_them_all_on_sigterm(
    tmp_path: Path, migrated_pg: str, redis_url: str
) -> None:
    from tests.integration.conftest import _clean_pg, _clean_redis

    asyncio.run(_clean_pg(migrated_pg))
    asyncio.run(_clean_redis(redis_url))
    port, sim_port = free_port(), free_port()
    while sim_port in (port, port + 1):
        sim_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")}
    env.update(
        KOOK_DATABASE_URL=migrated_pg,
        KOOK_REDIS_URL=redis_url,
        KOOK_DATA_DIR=str(tmp_path / "data"),
        KOOK_ARGON2_MEMORY_KIB="1024",
        KOOK_ARGON2_TIME_COST="1",
        KOOK_DEMO_DATA="false",
    )
    script = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "topology.py"), "--port", str(port), "--sim-port", str(sim_port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(iter(script.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 240
        while not any("Ctrl-C" in line for line in out):
            assert script.poll() is None, "".join(out)
            assert time.monotonic() < deadline, "".join(out)
            time.sleep(0.2)
        text = "".join(out)
        for name in (
            "operator-sim",
            "web-1",
            "web-2",
            "worker-1",
            "worker-2",
            "worker-3",
            "scheduler-1",
            "scheduler-2",
        ):
            assert re.search(rf"^{name}\s+\d+", text, re.M), text
        assert f"http://127.0.0.1:{port}" in text and f"http://127.0.0.1:{port + 1}" in text
        for web in (port, port + 1):
            ready = httpx.get(f"http://127.0.0.1:{web}/ready", timeout=10)
            assert ready.json() == {"status": "ready", "database": "ok", "redis": "ok"}

        def jobs_counted() -> bool:
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)  # loopback: allowed without token
            assert metrics.status_code == 200
            # the schedulers enqueued, the workers processed: their counts reach the web's /metrics
            return 'kook_jobs_total{actor="fulfilment.sweep",outcome="succeeded"}' in metrics.text

        deadline = time.monotonic() + 120
        while not jobs_counted():
            assert time.monotonic() < deadline, "no job of the workers in /metrics"
            time.sleep(1)
    finally:
        script.send_signal(signal.SIGTERM)
        try:
            code = script.wait(timeout=120)
        except subprocess.TimeoutExpired:
            script.kill()
            raise
        reader.join(timeout=10)
    text = "".join(out)
    assert code == 0, text
    stopped = re.search(r"^stopped: (.*)$", text, re.M)
    assert stopped, text
    codes = dict(item.split("=") for item in stopped.group(1).split(", "))
    assert len(codes) == 8 and set(codes.values()) == {"0"}, text
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)

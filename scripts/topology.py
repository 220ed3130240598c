"""The production topology on one machine: two web processes, three workers, two schedulers and the operator
simulator, against the PostgreSQL and Redis named by ``KOOK_DATABASE_URL`` and ``KOOK_REDIS_URL``.

    KOOK_DATABASE_URL=postgresql+asyncpg://… KOOK_REDIS_URL=redis://… .venv/bin/python scripts/topology.py

Migrates first, starts every process, waits until each answers (web: ``/ready``; simulator: ``/health``;
workers and schedulers: their start line), prints where each listens, and stops them all with SIGTERM on Ctrl-C
or SIGTERM (each stops cleanly: see README "Production topology"); a process still running 40 s later is killed.

It mirrors ``compose.yaml`` (``tests/unit/test_compose.py`` checks the two agree). The processes share
``KOOK_DATA_DIR`` (slips and exports) and one ``PROMETHEUS_MULTIPROC_DIR`` (emptied at start), so ``/metrics``
of either web process counts every process. ``KOOK_ENV`` defaults to ``test`` here (the simulator is a
sandbox); other ``KOOK_*`` variables pass through. The ``Topology`` class is used by the load benchmarks.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KOOK = [sys.executable, "-m", "kook.entrypoints.cli"]
STOP_SECONDS = 40.0


@dataclass
class Proc:
    name: str  # web-1, worker-2, scheduler-1, operator-sim
    args: list[str]
    url: str | None = None  # where it listens (web, simulator)
    ready_path: str | None = None
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Topology:
    webs: int = 2
    workers: int = 3
    schedulers: int = 2
    sim: bool = True
    host: str = "127.0.0.1"
    port: int = 8100
    sim_port: int = 8199
    sim_args: list[str] = field(default_factory=list)
    worker_threads: int = 8
    run_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kook-topology-")))
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: list[Proc] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.procs:
            self.procs = self._plan()

    def _plan(self) -> list[Proc]:
        procs: list[Proc] = []
        if self.sim:
            procs.append(
                Proc(
                    "operator-sim",
                    ["operator-sim", "--host", self.host, "--port", str(self.sim_port), *self.sim_args],
                    f"http://{self.host}:{self.sim_port}/sim",
                    "/health",
                )
            )
        for i in range(self.webs):
            port = self.port + i
            procs.append(
                Proc(
                    f"web-{i + 1}",
                    ["web", "--host", self.host, "--port", str(port)],
                    f"http://{self.host}:{port}",
                    "/ready",
                )
            )
        for i in range(self.workers):
            procs.append(Proc(f"worker-{i + 1}", ["worker", "--threads", str(self.worker_threads)]))
        for i in range(self.schedulers):
            procs.append(Proc(f"scheduler-{i + 1}", ["scheduler"]))
        return procs

    @property
    def web_urls(self) -> list[str]:
        return [p.url for p in self.procs if p.name.startswith("web-") and p.url]

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for name in ("KOOK_DATABASE_URL", "KOOK_REDIS_URL"):
            if not env.get(name):
                raise SystemExit(f"topology: set {name} (the running PostgreSQL and Redis to use)")
        env.setdefault("KOOK_ENV", "test")
        env.setdefault("KOOK_LOG_FORMAT", "json")
        env.setdefault("KOOK_DATA_DIR", str(self.run_dir / "data"))
        env["PROMETHEUS_MULTIPROC_DIR"] = str(self.run_dir / "metrics")
        if self.sim:
            env.setdefault("KOOK_OPERATOR_BASE_URL", f"http://{self.host}:{self.sim_port}/sim")
        env.setdefault("KOOK_PUBLIC_URL", f"http://{self.host}:{self.port}")
        env.update(self.extra_env)
        return env

    def migrate(self) -> None:
        done = subprocess.run([*KOOK, "migrate"], env=self.env(), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"topology: kook migrate failed:\n{done.stderr[-3000:]}")

    def start(self, *, migrate: bool = True, wait_seconds: float = 120.0) -> None:
        metrics = self.run_dir / "metrics"
        shutil.rmtree(metrics, ignore_errors=True)  # prometheus-client's multiprocess files start empty
        metrics.mkdir(parents=True)
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        for proc in self.procs:  # another process on a port would answer in this one's place
            if proc.url:
                port = int(proc.url.removesuffix("/sim").rsplit(":", 1)[1])
                with socket.socket() as probe:
                    if probe.connect_ex((self.host, port)) == 0:
                        raise SystemExit(f"topology: port {port} ({proc.name}) is already in use")
        if migrate:
            self.migrate()
        try:
            for proc in self.procs:
                self.spawn(proc)
            self.wait_ready(wait_seconds)
        except BaseException:
            self.stop()  # never leave half a topology running
            raise

    def spawn(self, proc: Proc) -> None:
        proc.log = self.run_dir / "logs" / f"{proc.name}.log"
        with proc.log.open("ab") as out:
            # a session of its own: ``kill`` takes the whole process group (a container dies with everything in it)
            proc.process = subprocess.Popen(
                [*KOOK, *proc.args], env=self.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def get(self, name: str) -> Proc:
        return next(p for p in self.procs if p.name == name)

    def kill(self, name: str) -> None:
        """SIGKILL one process and its children, as when its machine or container dies (the fault runs)."""
        proc = self.get(name)
        if proc.process is not None and proc.running:
            os.killpg(proc.process.pid, signal.SIGKILL)
            proc.process.wait(timeout=30)

    def restart(self, name: str, wait_seconds: float = 120.0) -> None:
        proc = self.get(name)
        if proc.running:
            self.stop([proc])
        self.spawn(proc)
        self.wait_ready(wait_seconds, [proc])

    def wait_ready(self, seconds: float, procs: list[Proc] | None = None) -> None:
        deadline = time.monotonic() + seconds
        pending = list(procs or self.procs)
        while pending:
            for proc in list(pending):
                if not proc.running:
                    raise RuntimeError(f"{proc.name} exited: {self.tail(proc)}")
                if self._answers(proc):
                    pending.remove(proc)
            if pending and time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {seconds:.0f} s: {[p.name for p in pending]}")
            time.sleep(0.2)

    def _answers(self, proc: Proc) -> bool:
        if proc.url and proc.ready_path:
            base = proc.url.removesuffix("/sim")
            with contextlib.suppress(OSError), urllib.request.urlopen(base + proc.ready_path, timeout=2) as answer:  # noqa: S310
                return bool(answer.status == 200)
            return False
        text = proc.log.read_text(errors="replace") if proc.log and proc.log.exists() else ""
        return "worker_started" in text or "scheduler_started" in text

    def tail(self, proc: Proc, chars: int = 2000) -> str:
        if proc.log is None or not proc.log.exists():
            return ""
        return proc.log.read_text(errors="replace")[-chars:]

    def stop(self, procs: list[Proc] | None = None) -> dict[str, int | None]:
        """SIGTERM each (web and schedulers first, then workers, the simulator last), wait, kill stragglers."""
        chosen = list(procs or self.procs)
        order = sorted(chosen, key=lambda p: (p.name.startswith("worker"), p.name == "operator-sim"))
        codes: dict[str, int | None] = {}
        for proc in order:
            if proc.process is not None and proc.running:
                with contextlib.suppress(ProcessLookupError):
                    proc.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for proc in order:
            if proc.process is None:
                continue
            try:
                codes[proc.name] = proc.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.process.kill()
                codes[proc.name] = proc.process.wait()
        return codes

    def describe(self) -> str:
        lines = [f"{'process':<14} {'pid':>7}  listens / does"]
        for proc in self.procs:
            pid = proc.process.pid if proc.process is not None else "-"
            what = proc.url or ("jobs from Redis" if proc.name.startswith("worker") else "periodic jobs (claimed)")
            lines.append(f"{proc.name:<14} {pid!s:>7}  {what}")
        lines.append(f"logs: {self.run_dir / 'logs'}   metrics: {self.web_urls[0] if self.web_urls else '-'}/metrics")
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--webs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--schedulers", type=int, default=2)
    parser.add_argument("--no-sim", action="store_true", help="do not start the operator simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100, help="the first web process's port (the next: +1, …)")
    parser.add_argument("--sim-port", type=int, default=8199)
    parser.add_argument("--sim-latency-ms", type=int, default=None)
    args = parser.parse_args(argv)
    sim_args = [] if args.sim_latency_ms is None else ["--latency-ms", str(args.sim_latency_ms)]
    topology = Topology(
        webs=args.webs,
        workers=args.workers,
        schedulers=args.schedulers,
        sim=not args.no_sim,
        host=args.host,
        port=args.port,
        sim_port=args.sim_port,
        sim_args=sim_args,
    )
    stopping = False

    def on_signal(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        topology.start()
        print(topology.describe(), flush=True)
        print("Ctrl-C (or SIGTERM) stops them all.", flush=True)
        while not stopping:
            for proc in topology.procs:
                if not proc.running:
                    print(f"{proc.name} exited ({proc.process.returncode if proc.process else '?'})", flush=True)
                    stopping = True
            time.sleep(0.5)
    finally:
        codes = topology.stop()
        print("stopped: " + ", ".join(f"{name}={code}" for name, code in codes.items()), flush=True)
    return 0 if all(code == 0 for code in codes.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())

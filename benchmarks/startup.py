"""How long `kook serve` takes, on a fresh data directory, until /health answers.

Usage: .venv/bin/python benchmarks/startup.py [runs]
Prints each run's seconds and the worst; the issue asks for under 15 s.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_run() -> float:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")} | {"KOOK_DATA_DIR": data}
        kook = Path(sys.executable).parent / "kook"
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(kook), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            deadline = started + 60
            while time.perf_counter() < deadline:
                try:
                    with NO_PROXY.open(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                        if answer.status == 200:
                            return time.perf_counter() - started
                except OSError:
                    time.sleep(0.05)
            raise RuntimeError("no answer within 60 s")
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times = [one_run() for _ in range(runs)]
    for i, seconds in enumerate(times, 1):
        print(f"run {i}: /health answered {seconds:.2f} s after `kook serve` started (fresh data dir)")
    print(f"worst of {runs}: {max(times):.2f} s (limit 15 s)")


if __name__ == "__main__":
    main()

"""``kook serve``: the whole portal in one process on the embedded default.

SQLite under KOOK_DATA_DIR (migrated on start), Dramatiq's in-memory broker
with an in-process worker, the scheduler as a background task, sandbox
adapters, demo data on first start, and the logins printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any

import structlog
import uvicorn
from litestar import Litestar

from kook.adapters.dramatiq.dispatcher import DramatiqDispatcher
from kook.adapters.postgres.migrate import upgrade
from kook.entrypoints.http.app import create_app
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.scheduler import jobs_for, run_scheduler
from kook.entrypoints.settings import Settings
from kook.entrypoints.worker.broker import build_broker
from kook.entrypoints.worker.runner import make_worker
from kook.sandbox.demo import seed_demo_data

log = structlog.get_logger(__name__)


def build_embedded_app(settings: Settings, *, host: str, port: int) -> Litestar:
    upgrade(settings.database_url)
    broker = build_broker(settings)  # one in-memory broker: the web enqueues on it, the in-process worker consumes
    container = make_http_container(settings, broker=broker)
    app = create_app(settings, container)
    worker = make_worker(settings, broker, threads=4)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[Any]] = []

    async def start_background() -> None:
        worker.start()
        tasks.append(asyncio.create_task(run_scheduler(DramatiqDispatcher(broker), stop, jobs_for(settings))))
        logins = await seed_demo_data(container) if settings.demo_data else []
        base = f"http://{host}:{port}"
        lines = [
            f"\nKook is running at {base}",
            "  (embedded default: SQLite, in-process queue, sandbox SMS, sandbox bank gateway, simulated operator)",
        ]
        for login in logins:
            lines.append(f"  {login.who:<12} {base}{login.url}  mobile {login.mobile}  password {login.password}")
        lines.append(f"  SMS inbox    {base}/api/v1/dev/sms")
        lines.append(f"  operator     {base}/sim/topups  (what the simulated operator applied)")
        print("\n".join(lines) + "\n", file=sys.stderr, flush=True)

    async def stop_background() -> None:
        stop.set()
        for task in tasks:
            with contextlib.suppress(Exception):
                await task
        await asyncio.to_thread(worker.stop, 10_000)

    app.on_startup.append(start_background)
    app.on_shutdown.insert(0, stop_background)
    return app


def serve(settings: Settings, *, host: str, port: int) -> None:
    app = build_embedded_app(settings, host=host, port=port)
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)

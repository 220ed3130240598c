"""The ``kook`` command line (API.md): serve, web, worker, scheduler, migrate, staff create."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import sys
import threading
from typing import Any

import structlog

from kook.entrypoints.logging import configure_logging
from kook.entrypoints.settings import Settings, SettingsError, load_settings

log = structlog.get_logger("kook")


def _settings(**overrides: Any) -> Settings:
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        print(f"kook: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    configure_logging(settings.log_level, settings.effective_log_format)
    return settings


def cmd_migrate(_args: argparse.Namespace) -> int:
    from kook.adapters.postgres.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    log.info("migrated", database=_safe_url(settings.database_url))
    return 0


def cmd_staff_create(args: argparse.Namespace) -> int:
    from kook.application.identity.create_staff import CreateStaff, CreateStaffCommand
    from kook.domain.shared.errors import DomainError
    from kook.entrypoints.http.messages import error_text
    from kook.entrypoints.ioc.containers import make_worker_container

    settings = _settings()

    async def run() -> int:
        container = make_worker_container(settings)
        try:
            async with container() as scope:
                create = await scope.get(CreateStaff)
                staff = await create(CreateStaffCommand(mobile=args.mobile, password=args.password, role=args.role))
        except DomainError as exc:
            print(f"kook: {exc.code}: {error_text(exc.code)} {exc.details or ''}".rstrip(), file=sys.stderr)
            return 1
        finally:
            await container.close()
        print(f"staff {staff.mobile} created with role {staff.role.value} (id {staff.id})")
        return 0

    return asyncio.run(run())


def cmd_ledger_verify(_args: argparse.Namespace) -> int:
    """Recompute every wallet from its postings; exit 1 on any difference."""
    from kook.application.wallet.verify_ledger import VerifyLedger
    from kook.entrypoints.ioc.containers import make_worker_container

    settings = _settings()

    async def run() -> int:
        container = make_worker_container(settings)
        try:
            async with container() as scope:
                discrepancies, unbalanced = await (await scope.get(VerifyLedger))()
        finally:
            await container.close()
        for d in discrepancies:
            print(
                f"wallet {d.customer_id}: stored available {d.stored_available} held {d.stored_held}, "
                f"postings say available {d.posted_available} held {d.posted_held}"
            )
        for entry_id in unbalanced:
            print(f"journal entry {entry_id} does not balance")
        if discrepancies or unbalanced:
            print(f"ledger verify: {len(discrepancies)} wallet(s) and {len(unbalanced)} entr(y/ies) wrong")
            return 1
        print("ledger verify: every wallet equals the sum of its postings; every entry balances")
        return 0

    return asyncio.run(run())


def cmd_ready(_args: argparse.Namespace) -> int:
    """Exit 0 when the database and Redis answer (compose's health check of every process), 1 otherwise."""
    import json

    from redis.asyncio import Redis

    from kook.adapters.postgres.engine import make_engine
    from kook.adapters.system.health import check_ready

    settings = _settings()

    async def run() -> int:
        engine = make_engine(settings.database_url)
        redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        try:
            found = await check_ready(engine, redis)
        finally:
            await engine.dispose()
            if redis is not None:
                await redis.aclose()
        print(json.dumps({"ready": found.ready, "database": found.database, "redis": found.redis}))
        return 0 if found.ready else 1

    return asyncio.run(run())


def cmd_web(args: argparse.Namespace) -> int:
    """uvicorn (httptools, uvloop, one process) serving the app: measured against granian on the same app
    (benchmarks/http_read.py, docs/SCALING.md), uvicorn answered the app's read 15–42% faster in every run of
    2026-12-03, quiet and under CPU contention alike (granian had won only on a machine loaded by other work).
    SIGTERM or SIGINT: uvicorn stops accepting, lets the requests in flight finish (at most
    ``GRACEFUL_SECONDS``), then the process exits 0. X-Forwarded-For is the app's to trust or not
    (``KOOK_HTTP_TRUST_PROXY_HEADERS``), so uvicorn's own rewriting of the client address is off; no ``server``
    header."""
    import uvicorn

    _settings()  # a bad setting stops here, naming the variable, before the server starts
    for sig in (signal.SIGTERM, signal.SIGINT):  # uvicorn re-raises the signal after its graceful stop
        signal.signal(sig, _exit_cleanly)
    uvicorn.run(
        "kook.entrypoints.http.app:create_app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        # An idle keep-alive connection is closed by the client side (a balancer, a browser) before the server
        # closes it: uvicorn's 5 s default raced the load run's users, who wait 5-15 s between clicks, and a
        # request sent on a connection the server was closing was lost. Balancers keep idle upstream connections
        # for up to 60 s (nginx, ALB), so longer than that.
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    return 0


GRACEFUL_SECONDS = 30
KEEP_ALIVE_SECONDS = 75


def _exit_cleanly(signum: int, _frame: Any) -> None:
    raise SystemExit(0)


def _freeze_boot_objects() -> None:
    """Leave what booting made (modules, classes, the app and its container: most of a process's objects) out
    of the garbage collector's full passes. Measured in a fulfilment worker: each full pass scanned them all
    and stopped the event loop for 90-140 ms, two or three times in a 10,000-line run (every slot of the
    process idle meanwhile); after ``gc.freeze()`` 4-36 ms."""
    gc.collect()
    gc.freeze()


def _use_uvloop() -> None:
    """uvloop for the event loops this process creates (Dramatiq's loop thread, ``asyncio.run``): the
    fulfilment workers spend most of their time in socket I/O, where it costs less CPU per call."""
    try:
        import uvloop
    except ImportError:  # not on every platform; the standard loop works the same, only slower
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def cmd_worker(args: argparse.Namespace) -> int:
    _use_uvloop()
    from kook.entrypoints.worker.broker import build_broker
    from kook.entrypoints.worker.runner import make_worker

    settings = _settings()
    broker = build_broker(settings)
    worker = make_worker(settings, broker, threads=args.threads)
    stopped = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        log.info("worker_stopping", signal=signal.Signals(signum).name)
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker.start()
    _freeze_boot_objects()
    stopped.wait()
    worker.stop(timeout=30_000)
    broker.close()
    return 0


def cmd_scheduler(_args: argparse.Namespace) -> int:
    from kook.adapters.dramatiq.dispatcher import DramatiqDispatcher
    from kook.entrypoints.scheduler import jobs_for, run_scheduler
    from kook.entrypoints.worker.broker import build_broker

    settings = _settings()
    broker = build_broker(settings)
    _use_uvloop()

    async def run() -> None:
        from redis.asyncio import Redis

        from kook.adapters.redis.scheduler_claims import RedisSchedulerClaims

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        # several schedulers may run: each job's period is claimed in Redis, so it is enqueued once
        redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
        claims = RedisSchedulerClaims(redis) if redis is not None else None
        try:
            await run_scheduler(DramatiqDispatcher(broker), stop, jobs_for(settings), claims=claims)
        finally:
            if redis is not None:
                await redis.aclose()

    _freeze_boot_objects()
    asyncio.run(run())
    broker.close()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("KOOK_ENV", "dev")
    # links that leave the portal and come back (the sandbox gateway) use this
    os.environ.setdefault("KOOK_PUBLIC_URL", f"http://{args.host}:{args.port}")
    settings = _settings()
    from kook.entrypoints.embedded import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def cmd_operator_sim(args: argparse.Namespace) -> int:
    """The simulated operator as its own HTTP service (dev and test only), at ``/sim`` like under ``serve``."""
    os.environ.setdefault("KOOK_ENV", "dev")
    settings = _settings()
    if not settings.is_sandbox_env:
        print("kook: operator-sim is a sandbox; it runs only when KOOK_ENV is dev or test", file=sys.stderr)
        return 2
    import uvicorn

    from kook.adapters.postgres.engine import make_engine, make_session_factory
    from kook.adapters.postgres.migrate import upgrade
    from kook.adapters.system.clock import SystemClock
    from kook.sandbox.operator_sim import OperatorSimulator, SimConfig
    from kook.sandbox.operator_sim_http import create_sim_app

    try:
        config = SimConfig(
            latency_ms=settings.sim.latency_ms if args.latency_ms is None else args.latency_ms,
            fail_rate=settings.sim.fail_rate if args.fail_rate is None else args.fail_rate,
            unknown_rate=settings.sim.unknown_rate if args.unknown_rate is None else args.unknown_rate,
        )
    except ValueError as exc:
        print(f"kook: operator-sim: {exc}", file=sys.stderr)
        return 2
    upgrade(settings.database_url)
    # group commit leaves one writer plus the status reads on the database: a few kept connections, and no
    # pre-ping on every checkout (the writer retries a batch once on a fresh connection)
    engine = make_engine(settings.database_url, pool_size=4, pre_ping=False)
    simulator = OperatorSimulator(make_session_factory(engine), SystemClock(), config)
    app = create_sim_app(simulator, on_shutdown=[engine.dispose])
    print(
        f"Simulated operator at http://{args.host}:{args.port}/sim (latency {config.latency_ms} ms, "
        f"fail rate {config.fail_rate}, unknown rate {config.unknown_rate}); "
        f"point the portal at it with KOOK_OPERATOR_BASE_URL=http://{args.host}:{args.port}/sim",
        file=sys.stderr,
        flush=True,
    )
    _freeze_boot_objects()
    for sig in (signal.SIGTERM, signal.SIGINT):  # a clean exit after uvicorn's graceful stop (see cmd_web)
        signal.signal(sig, _exit_cleanly)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )
    return 0


def _safe_url(url: str) -> str:
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kook", description="Kook enterprise top-up portal")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="the whole portal in one process on the embedded default")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)

    web = commands.add_parser("web", help="a production web process")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=8000)
    web.set_defaults(func=cmd_web)

    worker = commands.add_parser("worker", help="a background worker process")
    worker.add_argument("--threads", type=int, default=8)
    worker.set_defaults(func=cmd_worker)

    scheduler = commands.add_parser("scheduler", help="a scheduler process (several may run: jobs are claimed)")
    scheduler.set_defaults(func=cmd_scheduler)

    ready = commands.add_parser("ready", help="exit 0 when the database and Redis answer (a health check)")
    ready.set_defaults(func=cmd_ready)

    migrate = commands.add_parser("migrate", help="upgrade the database to the newest schema")
    migrate.set_defaults(func=cmd_migrate)

    sim = commands.add_parser("operator-sim", help="the simulated operator as its own HTTP service (dev/test)")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8001)
    sim.add_argument("--latency-ms", type=int, default=None, help="delay before every answer (KOOK_SIM_LATENCY_MS)")
    sim.add_argument("--fail-rate", type=float, default=None, help="share of top-ups that fail (KOOK_SIM_FAIL_RATE)")
    sim.add_argument(
        "--unknown-rate", type=float, default=None, help="share whose answer is lost (KOOK_SIM_UNKNOWN_RATE)"
    )
    sim.set_defaults(func=cmd_operator_sim)

    staff = commands.add_parser("staff", help="staff accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    create = staff_commands.add_parser("create", help="create a staff account")
    create.add_argument("--mobile", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True, choices=["reviewer", "finance", "admin"])
    create.set_defaults(func=cmd_staff_create)
    ledger = commands.add_parser("ledger", help="the wallet ledger")
    ledger_commands = ledger.add_subparsers(dest="ledger_command", required=True)
    verify = ledger_commands.add_parser("verify", help="recompute every wallet from its postings")
    verify.set_defaults(func=cmd_ledger_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())

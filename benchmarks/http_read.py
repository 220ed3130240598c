"""(Named http_read.py, not http.py: a script's folder is first on the import path, and a benchmarks/http.py would
shadow the standard library's ``http`` for every script in benchmarks/.)

An authenticated JSON read through the real app against the same read written bare, in one server process.

    KOOK_BENCH_DATABASE_URL=postgresql+asyncpg://…/bench KOOK_BENCH_REDIS_URL=redis://…/6 \\
        .venv/bin/python benchmarks/http_read.py [--server uvicorn|granian|both] [--seconds 10] [--connections 50]

``GET /api/v1/wallet`` of a logged-in customer (session cookie): the real app looks the session up in Redis, then
asks, in one statement on the pool's asyncpg connection, the user with their membership, their customer's
enterprise top-up access and the wallet row (``CallerFacts``: a read request's role guard, service gate and wallet
query take their answers from it), through Litestar, its middlewares and guards and a dishka request scope.
``GET /bare/wallet``, mounted beside it in the same process, does the same with bare asyncpg and redis: the
session hash from Redis, then one SQL statement joining user, customer, activation and wallet.
The two are run alternately (app, bare, app, bare) with ``connections`` keep-alive connections from an aiohttp
client in another process; the best of each is printed: requests per second, p50, p99 and app ÷ bare.
``--server both`` measures the app under uvicorn and under granian (one worker each, uvloop).

Use scratch databases: it drops and re-creates the schema and empties the Redis database.

Measured (2 cores, shared; 8 s runs, best of 2): before the hot-path change uvicorn app 239 req/s (p50 121 ms,
p99 1,019 ms) vs bare 2,204 (17 / 92 ms), 11%, load 1.3 → 2.7; after it uvicorn app 351 (96 / 981 ms) vs bare
2,232 (15 / 94 ms), 16%, and granian app 357 (102 / 1,091 ms) vs bare 2,334 (20 / 66 ms), 15%, load 2.3 → 4.0.
With the caller in one statement (one Redis and one PostgreSQL round trip, as bare; before: one and six), on a
machine loaded by other work: run 1 (load 6.6 → 7.4) uvicorn app 259 (172 / 446 ms) vs bare 666 (50 / 337 ms),
39%; granian app 454 (89 / 377 ms) vs bare 1,498 (28 / 114 ms), 30%. Run 2 (load 7.1 → 9.3) uvicorn app 235
(176 / 760 ms) vs bare 464 (77 / 459 ms), 51%; granian app 300 (130 / 493 ms) vs bare 1,028 (33 / 232 ms), 29%.
Run 3, quieter (load 4.4 → 5.9): uvicorn app 806 (53 / 156 ms) vs bare 1,685 (20 / 154 ms), 48%; granian app 653
(70 / 160 ms) vs bare 2,306 (20 / 57 ms), 28% — the app 2.3× (uvicorn) and 1.8× (granian) its req/s before.
Not the 80% asked: the app's floor is its framework. In-process (no HTTP server), under cProfile, per request:
app 2,433 µs vs bare 1,299 µs, the difference being Litestar (routing, request and response objects, the
handler call: 288 µs), the app's own middleware, guards, session store and caller read (284), asyncio work of
the extra awaits (+229), SQLAlchemy's pool checkout/checkin and the ORM-mapped User (160), dishka's request
scope and five resolves (92), redis-py around the same HGETALL (+57), metrics and logging (36). Unprofiled, a
404 page (router, exception handler, template; no database) costs about as much CPU as the whole bare read
(0.22–0.42 ms vs 0.36–0.47 ms), and a read that awaits Redis and PostgreSQL through the app costs 1.3–1.6 ms.

On a machine of its own (2026-12-03, load 1.0–2.4, 8 s runs, best of 3): uvicorn app 649–857 req/s (p50 50–68 ms,
p99 153–201 ms) vs bare 2,108–2,748, **31%**; granian app 483–602 vs bare 1,996–2,480, 24% — uvicorn 15–42%
faster through the app in every run, so ``kook web`` runs uvicorn. Per request, in the server process: the app
1,087 µs of CPU and PostgreSQL 23 µs, the bare read 406 µs and PostgreSQL 231 µs: the gap is the app's own
Python, not the database (the server process was 86% busy, the client 23%). hiredis (the C parser of Redis
replies, now a dependency) took the app's in-process read from about 950 to 700–830 µs and the bare's from 335
to 285 µs; the session resolver, asked on every request with a cookie, is now made once per process instead of
by dishka on every request.
"""

from __future__ import annotations

import sys
from pathlib import Path

# run as a script, this file's folder is first on the path and "http.py" would shadow the standard library's http
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import asyncio
import hashlib
import json
import os
import socket
import subprocess
import tempfile
import time
from typing import Any

BARE_SQL = """
SELECT coalesce(w.available, 0) AS available, coalesce(w.held, 0) AS held
FROM users u
JOIN customers c ON c.owner_user_id = u.id AND c.status = 'approved'
JOIN service_activations a ON a.customer_id = c.id AND a.service_code = 'enterprise_topup'
LEFT JOIN wallets w ON w.customer_id = c.id
WHERE u.id = $1 AND u.status = 'active'
"""


def _settings() -> Any:
    from kook.entrypoints.settings import load_settings

    return load_settings()


def make_app() -> Any:
    """The real app with ``/bare/wallet`` in front of it (the server process's ASGI app)."""
    import asyncpg
    from redis.asyncio import Redis

    from kook.entrypoints.http.app import create_app_from_environment

    settings = _settings()
    app = create_app_from_environment()  # as ``kook web`` builds it: its logging, its frozen boot objects
    state: dict[str, Any] = {}

    async def reply(send: Any, status: int, body: bytes) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def bare(scope: Any, receive: Any, send: Any) -> None:
        if "pool" not in state:
            state["pool"] = await asyncpg.create_pool(
                settings.database_url.replace("postgresql+asyncpg", "postgresql"), min_size=10, max_size=10
            )
            state["redis"] = Redis.from_url(settings.redis_url)
        cookies = dict(scope["headers"]).get(b"cookie", b"").decode()
        session_id = next(
            (part.split("=", 1)[1] for part in cookies.split("; ") if part.startswith("kook_session=")), ""
        )
        raw = await state["redis"].hgetall(f"kook:session:{hashlib.sha256(session_id.encode()).hexdigest()}")
        if not raw or raw.get(b"principal_kind") != b"user":
            await reply(send, 401, b'{"code":"unauthenticated"}')
            return
        row = await state["pool"].fetchrow(BARE_SQL, raw[b"principal_id"].decode())
        if row is None:
            await reply(send, 403, b'{"code":"service_not_active"}')
            return
        available, held = int(row["available"]), int(row["held"])
        await reply(send, 200, json.dumps({"available": available, "held": held, "total": available + held}).encode())

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/bare/wallet":
            await bare(scope, receive, send)
            return
        await app(scope, receive, send)

    return asgi


def serve(server: str, port: int) -> None:
    if server == "uvicorn":
        import uvicorn

        uvicorn.run(make_app(), host="127.0.0.1", port=port, log_config=None, access_log=False, loop="uvloop")
        return
    from granian.constants import Interfaces, Loops
    from granian.server import Server

    # granian imports the app by name: this file, from a folder of its own (not benchmarks/, whose scripts'
    # names would be importable as modules)
    folder = Path(tempfile.mkdtemp(prefix="kook-http-bench-"))
    (folder / "kook_http_bench.py").symlink_to(Path(__file__).resolve())
    Server(
        "kook_http_bench:make_app",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        loop=Loops.uvloop,
        factory=True,
        working_dir=folder,
        log_enabled=False,
    ).serve()


# --------------------------------------------------------------------------- the driver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _prepare(env: dict[str, str]) -> None:
    import asyncpg
    from redis.asyncio import Redis

    from kook.adapters.postgres.migrate import upgrade
    from kook.entrypoints.ioc.containers import make_worker_container
    from kook.entrypoints.settings import load_settings
    from kook.sandbox.demo import seed_demo_data

    conn = await asyncpg.connect(env["KOOK_DATABASE_URL"].replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()
    redis = Redis.from_url(env["KOOK_REDIS_URL"])
    await redis.flushdb()
    await redis.aclose()
    settings = load_settings(env)
    await asyncio.to_thread(upgrade, settings.database_url)
    container = make_worker_container(settings)
    try:
        await seed_demo_data(container)
    finally:
        await container.close()


async def _log_in(base: str) -> str:
    import aiohttp

    from kook.sandbox.demo import DEMO_CUSTOMER

    mobile, password, _, _ = DEMO_CUSTOMER
    body = {"mobile": mobile, "password": password}
    async with aiohttp.ClientSession() as session, session.post(f"{base}/api/v1/auth/login", json=body) as r:
        assert r.status == 200, await r.text()
        return str(r.cookies["kook_session"].value)


async def _load(url: str, cookie: str, seconds: float, connections: int) -> tuple[float, float, float, int]:
    """(requests per second, p50 ms, p99 ms, errors) of ``connections`` tasks asking ``url`` for ``seconds``."""
    import aiohttp

    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=connections)
    headers = {"Cookie": f"kook_session={cookie}"}
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        stop_at = time.monotonic() + seconds

        async def one() -> None:
            nonlocal errors
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                async with session.get(url) as answer:
                    await answer.read()
                    if answer.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        began = time.monotonic()
        await asyncio.gather(*(one() for _ in range(connections)))
        took = time.monotonic() - began
    latencies.sort()
    return (
        len(latencies) / took,
        latencies[len(latencies) // 2] * 1000,
        latencies[int(len(latencies) * 0.99)] * 1000,
        errors,
    )


def _measure(server: str, env: dict[str, str], seconds: float, connections: int, rounds: int) -> dict[str, Any]:
    import urllib.request

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", server, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"{server} did not start: {process.stderr.read().decode()[-3000:] if process.stderr else ''}"
                )
            time.sleep(0.2)
        cookie = asyncio.run(_log_in(base))
        app_body = urllib.request.Request(f"{base}/api/v1/wallet", headers={"Cookie": f"kook_session={cookie}"})
        bare_body = urllib.request.Request(f"{base}/bare/wallet", headers={"Cookie": f"kook_session={cookie}"})
        with urllib.request.urlopen(app_body) as a, urllib.request.urlopen(bare_body) as b:
            assert json.loads(a.read()) == json.loads(b.read()), "the bare read answers something else"
        asyncio.run(_load(f"{base}/api/v1/wallet", cookie, 2, connections))  # warm up both
        asyncio.run(_load(f"{base}/bare/wallet", cookie, 2, connections))
        best: dict[str, Any] = {}
        for _ in range(rounds):
            for name, path in (("app", "/api/v1/wallet"), ("bare", "/bare/wallet")):
                found = asyncio.run(_load(base + path, cookie, seconds, connections))
                if name not in best or found[0] > best[name][0]:
                    best[name] = found
        return best
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", choices=["uvicorn", "granian"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--server", choices=["uvicorn", "granian", "both"], default="uvicorn")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of app and bare; the best of each")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    url, redis_url = os.environ.get("KOOK_BENCH_DATABASE_URL", ""), os.environ.get("KOOK_BENCH_REDIS_URL", "")
    if not url.startswith("postgresql") or not redis_url:
        raise SystemExit("set KOOK_BENCH_DATABASE_URL (scratch PostgreSQL) and KOOK_BENCH_REDIS_URL (scratch Redis db)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")}
    env.update(
        KOOK_ENV="test",
        KOOK_DATA_DIR=tempfile.mkdtemp(prefix="kook-http-bench-data-"),
        KOOK_DATABASE_URL=url,
        KOOK_REDIS_URL=redis_url,
        KOOK_LOG_LEVEL="warning",
        KOOK_LOG_FORMAT="json",
        KOOK_HTTP_SECURE_COOKIES="false",
    )
    asyncio.run(_prepare(env))
    servers = ["uvicorn", "granian"] if args.server == "both" else [args.server]
    load = os.getloadavg()[0]
    print(f"{args.connections} connections, {args.seconds:.0f} s per run, best of {args.rounds}; loadavg {load:.1f}")
    for server in servers:
        best = _measure(server, env, args.seconds, args.connections, args.rounds)
        for name in ("app", "bare"):
            rps, p50, p99, errors = best[name]
            print(f"{server:<8} {name:<5} {rps:8.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   errors {errors}")
        print(f"{server:<8} app ÷ bare = {best['app'][0] / best['bare'][0]:.0%}")


if __name__ == "__main__":
    main()

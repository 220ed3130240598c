"""Webhook deliveries per second: N events written through the outbox, then sent by SendDueDeliveries passes
(50 leased at a time, 10 at once) to a local receiver answering 200 — and the same with a receiver that answers
500 to every first try (each delivery then needs a second pass after its backoff).

Usage: .venv/bin/python benchmarks/webhooks.py [events] [database url]
(default 1000 events on a fresh SQLite file; give a scratch PostgreSQL URL to measure there.)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.migrate import upgrade
from kook.adapters.postgres.repositories.webhooks import SqlWebhookOutbox
from kook.adapters.postgres.unit_of_work.webhooks import SqlWebhookUnitOfWork
from kook.adapters.webhooks.sender import HmacWebhookSecrets, HttpWebhookSender
from kook.application.webhooks.ports import WebhookConfig
from kook.application.webhooks.register_endpoint import RegisterEndpoint
from kook.application.webhooks.send_due_deliveries import SendDueDeliveries

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.fakes.clock import FakeClock


def receiver(fail_first: bool) -> tuple[ThreadingHTTPServer, int]:
    seen: set[str] = set()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            delivery = self.headers.get("Kook-Webhook-Id", "")
            with lock:
                first = delivery not in seen
                seen.add(delivery)
            self.send_response(500 if fail_first and first else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


async def run(url: str, events: int, fail_first: bool) -> None:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    clock = FakeClock()
    sender = HttpWebhookSender(timeout_seconds=5, allow_loopback=True)
    secrets = HmacWebhookSecrets(b"b" * 32)
    config = WebhookConfig(require_https=False, first_retry_seconds=30)
    server, port = receiver(fail_first)
    customer = f"bench{int(fail_first)}".ljust(32, "0")
    try:
        register = RegisterEndpoint(SqlWebhookUnitOfWork(factory, clock), sender, secrets, clock, config)
        await register(customer, "u" * 32, f"http://127.0.0.1:{port}/in", ["line.outcome"])
        uow = SqlWebhookUnitOfWork(factory, clock)
        started = time.perf_counter()
        async with uow:
            outbox = SqlWebhookOutbox(uow.session, clock)
            await outbox.record(
                customer, "line.outcome", [{"line_id": str(i), "status": "succeeded"} for i in range(events)]
            )
            await uow.commit()
        written = time.perf_counter() - started
        send = SendDueDeliveries(SqlWebhookUnitOfWork(factory, clock), sender, secrets, clock, config)
        started = time.perf_counter()
        delivered = passes = 0
        while delivered < events:
            report = await send()
            passes += 1
            delivered += report.delivered
            if report.delivered == 0 and report.retrying == 0:
                clock.advance(seconds=30)  # the backoff of the failed first tries
        took = time.perf_counter() - started
        label = "first try refused" if fail_first else "all taken at once"
        print(
            f"{label:>18}: {events} deliveries written in {written:.2f} s; delivered in {took:.2f} s "
            f"({events / took:.0f}/s, {passes} passes)"
        )
    finally:
        server.shutdown()
        await sender.aclose()
        await engine.dispose()


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    asyncio.run(run(url, events, fail_first=False))
    asyncio.run(run(url, events, fail_first=True))


if __name__ == "__main__":
    main()

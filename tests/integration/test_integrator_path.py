"""The integrator's path, as an integrator walks it (issue 18).

``kook serve`` runs as a child process (its own worker and scheduler, the simulated operator, the sandbox bank).
The customer's owner signs in once to pay into the wallet, make an API key and register a webhook endpoint — a
real HTTP server of this test. From then on only the key is used: create a request, upload a sheet, read the
summary, confirm with an Idempotency-Key (twice: one answer, one hold), follow the progress, receive the webhooks,
check their signatures with hmac here (the scheme as docs/INTEGRATION.md documents it, not Kook's code), and
download the report.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import openpyxl  # type: ignore[import-untyped, unused-ignore]
import pytest

from kook.sandbox.demo import DEMO_CUSTOMER
from tests.integration.webhook_receiver import Received, Receiver, webhook_receiver

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINES = [("09121237781", 200_000), ("09351237782", 300_000), ("09191230000", 400_000)]  # ends 0000: refused
STARTUP = 60.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")}
    env.update(
        {
            "KOOK_ENV": "test",
            "KOOK_DATA_DIR": str(tmp_path / "data"),
            "KOOK_ARGON2_MEMORY_KIB": "1024",
            "KOOK_ARGON2_TIME_COST": "1",
            "KOOK_DEMO_DATA": "true",
            "KOOK_HTTP_SECURE_COOKIES": "false",  # plain http on 127.0.0.1
            "KOOK_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "KOOK_WEBHOOK_ALLOW_LOOPBACK": "true",  # the receiver is this test, on 127.0.0.1 (dev/test only)
            "KOOK_WEBHOOK_SEND_EVERY_SECONDS": "1",
        }
    )
    log = tmp_path / "portal.log"
    command = [sys.executable, "-m", "kook.entrypoints.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-4000:]
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-4000:]
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def signature_ok(secret: str, received: Received) -> bool:
    headers = {k.lower(): v for k, v in received.headers.items()}
    timestamp = headers["kook-webhook-timestamp"]
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + received.body, hashlib.sha256)
    return hmac.compare_digest("v1=" + mac.hexdigest(), headers["kook-webhook-signature"])


def sheet() -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["mobile", "amount"])
    for mobile, amount in LINES:
        ws.append([mobile, amount])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def wait_for(what: str, check: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)


def owner_sets_up(base: str, receiver: Receiver) -> tuple[str, str]:
    """The owner, signed in: pays into the wallet, makes a key, registers the endpoint. (key, webhook secret)"""
    with httpx.Client(base_url=base, timeout=30) as web:
        login = web.post("/api/v1/auth/login", json={"mobile": DEMO_CUSTOMER[0], "password": DEMO_CUSTOMER[1]})
        assert login.status_code == 200, login.text
        csrf = {"x-csrftoken": web.cookies["csrftoken"]}
        started = web.post("/api/v1/wallet/payments", json={"amount": 5_000_000}, headers=csrf)
        assert started.status_code == 201, started.text
        paid = web.post(started.json()["redirect_url"], data={"action": "pay"}, follow_redirects=True)
        assert paid.status_code == 200
        assert web.get("/api/v1/wallet").json()["available"] == 5_000_000
        key = web.post(
            "/api/v1/api-keys",
            json={"name": "ERP", "scopes": ["requests:write", "requests:read", "reports:read"]},
            headers=csrf,
        )
        assert key.status_code == 201, key.text
        endpoint = web.post(
            "/api/v1/webhooks",
            json={"url": receiver.url, "events": ["request.finished", "line.outcome", "payment.credited"]},
            headers=csrf,
        )
        assert endpoint.status_code == 201, endpoint.text
        return str(key.json()["key"]), str(endpoint.json()["secret"])


def test_an_integrator_drives_a_request_with_a_key_and_hears_back_by_signed_webhooks(portal: str) -> None:
    with webhook_receiver() as receiver:
        key, secret = owner_sets_up(portal, receiver)
        with httpx.Client(base_url=portal, timeout=30, headers={"Authorization": f"Bearer {key}"}) as api:
            assert not api.cookies
            made = api.post("/api/v1/requests", json={"name": "شارژ کارکنان", "kind": "topup"})
            assert made.status_code == 201, made.text
            request_id = made.json()["id"]
            base = f"/api/v1/requests/{request_id}"

            uploaded = api.post(
                f"{base}/uploads",
                data={"kind": "topup"},
                files={
                    "file": ("staff.xlsx", sheet(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                },
            )
            assert uploaded.status_code == 201, uploaded.text
            assert (uploaded.json()["rows"], uploaded.json()["valid"], uploaded.json()["invalid"]) == (3, 3, 0)

            summary = api.get(f"{base}/summary").json()
            assert (summary["lines"], summary["total"], summary["shortfall"]) == (3, 900_000, 0)

            first = api.post(f"{base}/confirm", json={}, headers={"Idempotency-Key": "erp-batch-1"})
            again = api.post(f"{base}/confirm", json={}, headers={"Idempotency-Key": "erp-batch-1"})
            assert first.status_code == 200, first.text
            assert again.status_code == first.status_code and again.json() == first.json()

            # the key has no wallet:read: it cannot see the wallet
            wallet = api.get("/api/v1/wallet")
            assert wallet.status_code == 403 and wallet.json()["code"] == "api_key_scope_missing"

            done = wait_for(
                "the request to finish",
                lambda: (p := api.get(f"{base}/progress").json())["status"].startswith("completed") and p,
            )
            assert (done["succeeded"], done["failed"], done["settled"], done["released"]) == (2, 1, 500_000, 400_000)

            def finished() -> list[Received]:
                got = receiver.snapshot()
                events = [json.loads(r.body)["event"] for r in got]
                return got if "request.finished" in events and events.count("line.outcome") >= 3 else []

            got = wait_for("the webhooks", finished)

            report = api.get("/api/v1/reports/transactions", params={"request_id": request_id, "format": "xlsx"})
            assert report.status_code == 200, report.text
            book = openpyxl.load_workbook(BytesIO(report.content), read_only=True)
            cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
            for mobile, _ in LINES:
                assert any(mobile in c or mobile[1:] in c for c in cells), mobile

    # every delivery is signed with the endpoint's secret (checked here with hmac alone) and names itself
    assert all(signature_ok(secret, r) for r in got)
    ids = [r.headers["Kook-Webhook-Id"] for r in got]
    assert len(ids) == len(set(ids))  # each delivered once (the receiver answered 200 at once)
    bodies = [json.loads(r.body) for r in got]
    assert all(b["id"] == i for b, i in zip(bodies, ids, strict=True))
    outcomes = sorted((b["data"]["status"], b["data"]["price"]) for b in bodies if b["event"] == "line.outcome")
    assert outcomes == [("failed", 400_000), ("succeeded", 200_000), ("succeeded", 300_000)]
    [finish] = [b["data"] for b in bodies if b["event"] == "request.finished"]
    assert finish["request_id"] == request_id and finish["status"] == "completed_with_failures"
    assert (finish["succeeded"], finish["failed"]) == (2, 1)
    assert not [b for b in bodies if b["event"] == "payment.credited"]  # paid before the endpoint existed

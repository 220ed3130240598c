"""The load of issue 17: customers logging in, uploading 1,000-row sheets, confirming, polling progress, querying
reports and paying online, against the web processes in ``KOOK_LOAD_WEBS`` (comma-separated base URLs; each
request goes to one of them at random). Run by ``benchmarks/load/run.py``, which seeds the customer and checks
the money afterwards."""

from __future__ import annotations

import os
import random
from io import BytesIO
from typing import Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]
from locust import HttpUser, between, task

WEBS = [url for url in os.environ.get("KOOK_LOAD_WEBS", "").split(",") if url]
MOBILE = os.environ.get("KOOK_LOAD_MOBILE", "09121110000")
PASSWORD = os.environ.get("KOOK_LOAD_PASSWORD", "kook-demo-1405")
ROWS = int(os.environ.get("KOOK_LOAD_ROWS", "1000"))
AMOUNT = 200_000


def _sheet(seed: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for i in range(ROWS):
        sheet.append([f"{('0912', '0935')[i % 2]}{(seed * ROWS + i) % 1_000_000:06d}5", AMOUNT])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHEETS = [_sheet(seed) for seed in range(4)]  # made once: the users' CPU goes to the requests


class Customer(HttpUser):
    wait_time = between(0.5, 2.0)
    host = WEBS[0] if WEBS else "http://127.0.0.1:8100"

    def on_start(self) -> None:
        self.csrf = ""
        self.requests: list[str] = []
        self.log_in()

    def url(self, path: str) -> str:
        return (random.choice(WEBS) if WEBS else self.host) + path

    def headers(self) -> dict[str, str]:
        return {"x-csrftoken": self.csrf}

    def log_in(self) -> None:
        self.client.cookies.clear()  # a fresh login (a POST carrying the old session cookie would need its token)
        with self.client.post(
            self.url("/api/v1/auth/login"),
            json={"mobile": MOBILE, "password": PASSWORD},
            name="login",
            catch_response=True,
        ) as answer:
            if answer.status_code == 200:
                self.csrf = answer.json().get("csrf_token", "")
                answer.success()
            else:
                answer.failure(f"login {answer.status_code}")

    @task(1)
    def login(self) -> None:
        self.log_in()

    @task(6)
    def wallet(self) -> None:
        self.client.get(self.url("/api/v1/wallet"), name="wallet")

    @task(4)
    def progress(self) -> None:
        if self.requests:
            request_id = random.choice(self.requests[-3:])
            self.client.get(self.url(f"/api/v1/requests/{request_id}/progress"), name="progress")

    @task(2)
    def report(self) -> None:
        self.client.get(self.url("/api/v1/reports/transactions"), name="report")

    @task(1)
    def upload_and_confirm(self) -> None:
        made = self.client.post(
            self.url("/api/v1/requests"),
            json={"name": "بار آزمون", "kind": "topup"},
            headers=self.headers(),
            name="create",
        )
        if made.status_code != 201:
            return
        request_id = made.json()["id"]
        files: Any = {"file": ("lines.xlsx", random.choice(SHEETS))}
        uploaded = self.client.post(
            self.url(f"/api/v1/requests/{request_id}/uploads"),
            files=files,
            data={"kind": "topup"},
            headers=self.headers(),
            name="upload 1,000 rows",
        )
        if uploaded.status_code != 201:
            return
        confirmed = self.client.post(
            self.url(f"/api/v1/requests/{request_id}/confirm"), json={}, headers=self.headers(), name="confirm"
        )
        if confirmed.status_code == 200:
            self.requests.append(request_id)

    @task(1)
    def payment(self) -> None:
        started = self.client.post(
            self.url("/api/v1/wallet/payments"), json={"amount": 1_000_000}, headers=self.headers(), name="payment"
        )
        if started.status_code != 201:
            return
        gateway = started.json()["redirect_url"]
        if gateway.startswith("/"):
            gateway = self.url(gateway)
        # the sandbox gateway's "pay" button, then back to the portal's callback (which verifies and credits)
        self.client.post(gateway, data={"action": "pay"}, headers=self.headers(), name="payment: pay and return")

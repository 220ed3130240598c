"""The load of issue 17: customers logging in, uploading 1,000-row sheets, confirming, polling progress, querying
reports, exporting them and paying online, against the web processes in ``KOOK_LOAD_WEBS`` (comma-separated base
URLs). Run by ``benchmarks/load/run.py``, which seeds the customer and checks the money afterwards.

``KOOK_LOAD_THINK`` ("low,high" seconds, default "5,15"): how long a user waits between two actions — a person
reads the page they got before the next click. "0.5,2" is the stress pace (a user acting every second or so: at
200 users about ten 1,000-row sheets a second, eight times the operators' limits here).

Each request goes to one web process at random, as a round-robin balancer would send it; like a balancer, the
client sends it to the other process when its first choice refuses the connection (the request never reached
it: always safe), and when a process died with it in flight (the answer never came) for a read or a money write
that carries an ``Idempotency-Key`` (the retry is answered from the first attempt's outcome, never done twice).
Each such first attempt is counted on a row of its own — ``(refused: sent to the other web)``,
``(lost in flight: sent again)`` — not hidden; any other failure is an error of its route.
"""

from __future__ import annotations

import os
import random
import uuid
from io import BytesIO
from typing import Any

import openpyxl  # type: ignore[import-untyped, unused-ignore]
from locust import HttpUser, between, task
from locust.clients import ResponseContextManager

WEBS = [url for url in os.environ.get("KOOK_LOAD_WEBS", "").split(",") if url]
MOBILE = os.environ.get("KOOK_LOAD_MOBILE", "09121110000")
PASSWORD = os.environ.get("KOOK_LOAD_PASSWORD", "kook-demo-1405")
ROWS = int(os.environ.get("KOOK_LOAD_ROWS", "1000"))
AMOUNT = 200_000
THINK = tuple(float(x) for x in os.environ.get("KOOK_LOAD_THINK", "5,15").split(","))
REFUSED = "(refused: sent to the other web)"
LOST = "(lost in flight: sent again)"


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
    wait_time = between(THINK[0], THINK[1])
    host = WEBS[0] if WEBS else "http://127.0.0.1:8100"

    def on_start(self) -> None:
        self.csrf = ""
        self.requests: list[str] = []
        self.exports: list[str] = []
        self.log_in()

    def headers(self, **extra: str) -> dict[str, str]:
        return {"x-csrftoken": self.csrf, **extra}

    def call(self, method: str, path: str, name: str, *, retry_lost: bool = False, **kwargs: Any) -> Any:
        """``path`` on one web process, then on the others as a balancer would (see the module's docstring):
        the last attempt's answer, counted under ``name``; an earlier attempt that never reached a server, or
        whose server died with it, is counted on its own row."""
        webs = WEBS or [self.host]
        order = random.sample(webs, len(webs))
        retry_lost = retry_lost or method == "GET"
        for attempt, web in enumerate(order):
            last = attempt == len(order) - 1
            answer: ResponseContextManager
            with self.client.request(method, web + path, name=name, catch_response=True, **kwargs) as answer:
                error = answer.error if answer.status_code == 0 else None
                if error is not None and not last:
                    refused = "refused" in str(error).lower()
                    if refused or retry_lost:
                        answer.request_meta["name"] = REFUSED if refused else LOST
                        answer.success()
                        continue
                if error is None and answer.status_code >= 400:
                    answer.failure(f"{name} {answer.status_code}")
                return answer
        raise AssertionError("unreachable")

    def log_in(self) -> None:
        self.client.cookies.clear()  # a fresh login (a POST carrying the old session cookie would need its token)
        answer = self.call("POST", "/api/v1/auth/login", "login", json={"mobile": MOBILE, "password": PASSWORD})
        if answer.status_code == 200:
            self.csrf = answer.json().get("csrf_token", "")

    @task(1)
    def login(self) -> None:
        self.log_in()

    @task(6)
    def wallet(self) -> None:
        self.call("GET", "/api/v1/wallet", "wallet")

    @task(4)
    def progress(self) -> None:
        if self.requests:
            request_id = random.choice(self.requests[-3:])
            self.call("GET", f"/api/v1/requests/{request_id}/progress", "progress")

    @task(2)
    def report(self) -> None:
        self.call("GET", "/api/v1/reports/transactions", "report")

    @task(1)
    def export(self) -> None:
        """ریز تراکنش of one of the user's requests as Excel (made by a worker), then its status once."""
        if self.exports:
            self.call("GET", f"/api/v1/reports/exports/{self.exports.pop()}", "export status")
        if not self.requests:
            return
        body = {"filter": {"request_id": random.choice(self.requests[-3:])}}
        started = self.call("POST", "/api/v1/reports/transactions/exports", "export", json=body, headers=self.headers())
        if started.status_code == 202:
            self.exports.append(started.json()["id"])

    @task(1)
    def upload_and_confirm(self) -> None:
        made = self.call(
            "POST", "/api/v1/requests", "create", json={"name": "بار آزمون", "kind": "topup"}, headers=self.headers()
        )
        if made.status_code != 201:
            return
        request_id = made.json()["id"]
        files: Any = {"file": ("lines.xlsx", random.choice(SHEETS))}
        uploaded = self.call(
            "POST",
            f"/api/v1/requests/{request_id}/uploads",
            "upload 1,000 rows",
            files=files,
            data={"kind": "topup"},
            headers=self.headers(),
        )
        if uploaded.status_code != 201:
            return
        confirmed = self.call(
            "POST",
            f"/api/v1/requests/{request_id}/confirm",
            "confirm",
            json={},
            headers=self.headers(**{"Idempotency-Key": str(uuid.uuid4())}),
            retry_lost=True,
        )
        if confirmed.status_code == 200:
            self.requests.append(request_id)

    @task(1)
    def payment(self) -> None:
        started = self.call(
            "POST",
            "/api/v1/wallet/payments",
            "payment",
            json={"amount": 1_000_000},
            headers=self.headers(**{"Idempotency-Key": str(uuid.uuid4())}),
            retry_lost=True,
        )
        if started.status_code != 201:
            return
        # the sandbox gateway's "pay" button, then the bank's redirect back to the portal's callback (which
        # verifies and credits; a callback lost in flight is asked again, as a browser would, and credits once)
        gateway = _path(started.json()["redirect_url"])
        paid = self.call(
            "POST", gateway, "payment: pay", data={"action": "pay"}, headers=self.headers(), allow_redirects=False
        )
        if paid.status_code in (302, 303):
            self.call("GET", _path(paid.headers["location"]), "payment: return to the callback")


def _path(url: str) -> str:
    """``url`` without its origin when it is the portal's: the address the gateway was given (KOOK_PUBLIC_URL,
    web-1 here) stands for the balancer in front of every web process."""
    for web in WEBS or [Customer.host]:
        if url.startswith(web):
            return url[len(web) :]
    if url.startswith("/"):
        return url
    raise AssertionError(f"not the portal's address: {url} (the load runs against the sandbox gateway)")

"""The Zarinpal adapter against a local fake of Zarinpal's v4 REST API.

The fake keeps its payments like Zarinpal does: ``request.json`` creates one
(IN_BANK), the test plays the payer (``pay``/``abandon``), ``verify.json``
checks the merchant, the authority, the state and OUR amount, and answers 101
the second time; ``inquiry.json`` and ``reverse.json`` act on the same record.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import pytest_asyncio
from structlog.testing import capture_logs

from kook.adapters.payment_gateway.zarinpal import ZarinpalGateway, ZarinpalSettings, mask_card
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.wallet.complete_payment import CompletePayment
from kook.application.wallet.expire_stale_payments import ExpireStalePayments
from kook.application.wallet.ports import (
    GatewayError,
    InquiryStatus,
    PaymentGateway,
    PaymentStart,
    VerifyStatus,
)
from kook.application.wallet.settings import WalletPolicy
from kook.application.wallet.start_payment import StartPayment
from kook.domain.wallet.payment import PaymentPolicy, PaymentStatus
from tests.fakes.clock import FakeClock
from tests.fakes.wallet import FakeNotifier, FakeWalletUnitOfWork

MERCHANT = "1344b5d4-0048-11e8-94db-005056a205be"
CALLBACK = "https://kook.example/wallet/payments/callback"
CLIENT_TIMEOUT = 5.0  # generous: a loaded machine must not turn a normal answer into a timeout
HANG_TIMEOUT = 0.4  # the impatient client used against a hanging fake
MASKED_PAN = "502229******5995"
FULL_PAN = "6037991234561234"


@dataclass
class FakePayment:
    amount: int
    callback_url: str
    description: str
    metadata: dict[str, Any]
    status: str = "IN_BANK"  # IN_BANK | PAID | VERIFIED | FAILED | REVERSED
    ref_id: int | None = None
    card_pan: str = MASKED_PAN


@dataclass
class Received:
    path: str
    content_type: str
    body: Any


@dataclass
class FakeZarinpal:
    """Zarinpal's payments, what it received, and how it should answer next."""

    base_url: str = ""
    merchant_id: str = MERCHANT
    # ok | 500 | not_json | hang | too_many | hang_after_verify (verifies, then the answer is lost)
    mode: str = "ok"
    payments: dict[str, FakePayment] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(217885159))

    def pay(self, authority: str, card_pan: str = MASKED_PAN) -> None:
        payment = self.payments[authority]
        payment.status = "PAID"
        payment.card_pan = card_pan

    def abandon(self, authority: str) -> None:
        self.payments[authority].status = "FAILED"

    def bodies(self, operation: str) -> list[Any]:
        return [r.body for r in self.received if r.path.endswith(f"/{operation}.json")]

    # ------------------------------------------------------------------ API

    def handle(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if body.get("merchant_id") != self.merchant_id:
            return _error(-10, "Terminal is not valid, please check merchant_id or ip address.")
        with self.lock:
            if operation == "request":
                return self._request(body)
            payment = self.payments.get(str(body.get("authority")))
            if payment is None:
                return _error(-54, "Invalid authority.")
            if operation == "verify":
                return self._verify(payment, body)
            if operation == "inquiry":
                return 200, _data({"code": 100, "message": "Success", "status": payment.status})
            if operation == "reverse":
                if payment.status != "VERIFIED":
                    return _error(-63, "Session can not be reversed with bank.")
                payment.status = "REVERSED"
                return 200, _data({"code": 100, "message": "Reversed"})
        return 404, {"data": [], "errors": {"code": -404, "message": "not found"}}

    def _request(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        amount = body.get("amount")
        if not isinstance(amount, int) or amount < 1000 or not body.get("callback_url"):
            return _error(-9, "The input params invalid, validation error.", validations=[{"amount": "invalid"}])
        if body.get("currency") not in (None, "IRR", "IRT"):
            return _error(-9, "The input params invalid, validation error.")
        authority = f"A{next(self._numbers):035d}"
        self.payments[authority] = FakePayment(
            amount=amount,
            callback_url=str(body["callback_url"]),
            description=str(body.get("description", "")),
            metadata=dict(body.get("metadata") or {}),
        )
        return 200, _data({"code": 100, "message": "Success", "authority": authority, "fee_type": "Merchant", "fee": 0})

    def _verify(self, payment: FakePayment, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if payment.status in ("IN_BANK", "FAILED", "REVERSED"):
            return _error(-51, "Session is not valid, session is not active paid try.")
        if body.get("amount") != payment.amount:
            return _error(-50, "Session is not valid, amounts values is not the same.")
        code = 101 if payment.status == "VERIFIED" else 100
        if payment.status == "PAID":
            payment.status = "VERIFIED"
            payment.ref_id = next(self._numbers)
        return 200, _data(
            {
                "code": code,
                "message": "Verified" if code == 100 else "Verified before",
                "card_hash": "1EBE3EBEBE35C7EC0F8D6EE4F2F859107A87822CA179BC9528767EA7B5489B69",
                "card_pan": payment.card_pan,
                "ref_id": payment.ref_id,
                "fee_type": "Merchant",
                "fee": 0,
            }
        )


def _data(data: dict[str, Any]) -> dict[str, Any]:
    return {"data": data, "errors": []}


def _error(code: int, message: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return 400, {"data": [], "errors": {"code": code, "message": message, **extra}}


def _handler_for(fake: FakeZarinpal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            fake.received.append(Received(self.path, self.headers.get("Content-Type", ""), body))
            prefix = "/pg/v4/payment/"
            operation = self.path[len(prefix) : -len(".json")] if self.path.startswith(prefix) else ""
            if operation not in ("request", "verify", "inquiry", "reverse") or not self.path.endswith(".json"):
                self._answer(404, b"<html>404</html>", "text/html")
                return
            if not isinstance(body, dict):
                status, answer = _error(-9, "The input params invalid, validation error.")
                self._answer(status, json.dumps(answer).encode(), "application/json")
                return
            json_type = "application/json"
            if fake.mode == "hang":
                fake.release.wait(HANG_TIMEOUT * 10)
                self._answer(200, b'{"data": [], "errors": []}', json_type)
            elif fake.mode == "hang_after_verify":
                fake.handle(operation, body)
                fake.release.wait(HANG_TIMEOUT * 10)
                self._answer(200, b'{"data": [], "errors": []}', json_type)
            elif fake.mode == "500":
                self._answer(500, b'{"message": "Internal Server Error"}', json_type)
            elif fake.mode == "not_json":
                self._answer(200, b"<html><body>maintenance</body></html>", "text/html")
            elif fake.mode == "too_many":
                status, answer = _error(-12, "To many attempts, please try again later.")
                self._answer(429, json.dumps(answer).encode(), json_type)
            else:
                status, answer = fake.handle(operation, body)
                self._answer(status, json.dumps(answer).encode(), json_type)

    return Handler


@pytest.fixture
def fake_zarinpal() -> Iterator[FakeZarinpal]:
    fake = FakeZarinpal()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    fake.base_url = f"http://{host!s}:{port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _settings(fake: FakeZarinpal, **overrides: Any) -> ZarinpalSettings:
    values: dict[str, Any] = {
        "merchant_id": MERCHANT,
        "base_url": fake.base_url,
        "start_base_url": "https://pay.zarinpal.test",
        "timeout_seconds": CLIENT_TIMEOUT,
    }
    values.update(overrides)
    return ZarinpalSettings(**values)


@pytest_asyncio.fixture
async def gateway(fake_zarinpal: FakeZarinpal) -> AsyncIterator[ZarinpalGateway]:
    zarinpal = ZarinpalGateway(_settings(fake_zarinpal))
    try:
        yield zarinpal
    finally:
        await zarinpal.aclose()


@pytest_asyncio.fixture
async def impatient(fake_zarinpal: FakeZarinpal) -> AsyncIterator[ZarinpalGateway]:
    """The same gateway with a short timeout, for the calls that meet a hanging Zarinpal."""
    zarinpal = ZarinpalGateway(_settings(fake_zarinpal, timeout_seconds=HANG_TIMEOUT))
    try:
        yield zarinpal
    finally:
        await zarinpal.aclose()


def _for(mode: str, gateway: ZarinpalGateway, impatient: ZarinpalGateway) -> ZarinpalGateway:
    return impatient if mode.startswith("hang") else gateway


def _start(amount: int = 250_000, mobile: str | None = "09121234567") -> PaymentStart:
    return PaymentStart(
        payment_id="01JPAYMENT0000000000000001",
        amount=amount,
        callback_url=CALLBACK,
        description="افزایش اعتبار کیف پول کوک",
        mobile=mobile,
    )


async def _paid(gateway: ZarinpalGateway, fake: FakeZarinpal, amount: int = 250_000) -> str:
    started = await gateway.start(_start(amount))
    fake.pay(started.token)
    return started.token


# ---------------------------------------------------------------- start


@pytest.mark.asyncio
async def test_start_requests_a_payment_and_sends_the_payer_to_start_pay(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    started = await gateway.start(_start())

    assert started.token in fake_zarinpal.payments
    assert started.token.startswith("A") and len(started.token) == 36
    assert started.redirect_url == f"https://pay.zarinpal.test/pg/StartPay/{started.token}"
    [request] = fake_zarinpal.received
    assert request.path == "/pg/v4/payment/request.json"
    assert request.content_type.startswith("application/json")
    assert request.body == {
        "merchant_id": MERCHANT,
        "amount": 250_000,
        "currency": "IRR",
        "callback_url": CALLBACK,
        "description": "افزایش اعتبار کیف پول کوک",
        "metadata": {"order_id": "01JPAYMENT0000000000000001", "mobile": "09121234567"},
    }


@pytest.mark.asyncio
async def test_start_without_mobile_sends_only_the_order_id(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    await gateway.start(_start(mobile=None))

    assert fake_zarinpal.received[0].body["metadata"] == {"order_id": "01JPAYMENT0000000000000001"}


@pytest.mark.asyncio
async def test_start_refused_by_zarinpal_is_not_retryable(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    with pytest.raises(GatewayError) as caught:
        await gateway.start(_start(amount=500))  # below Zarinpal's minimum: -9

    assert caught.value.reason == "zarinpal_-9"
    assert caught.value.retryable is False
    assert fake_zarinpal.payments == {}


@pytest.mark.asyncio
async def test_start_with_a_wrong_merchant_is_not_retryable_and_hides_the_merchant(
    fake_zarinpal: FakeZarinpal,
) -> None:
    wrong = "ffffffff-0048-11e8-94db-005056a205be"
    zarinpal = ZarinpalGateway(_settings(fake_zarinpal, merchant_id=wrong))
    try:
        with capture_logs() as logs, pytest.raises(GatewayError) as caught:
            await zarinpal.start(_start())
    finally:
        await zarinpal.aclose()

    assert caught.value.reason == "zarinpal_-10"
    assert caught.value.retryable is False
    assert wrong not in str(caught.value) and wrong not in repr(logs)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("500", "zarinpal_http_500"),
        ("not_json", "zarinpal_bad_response"),
        ("hang", "zarinpal_timeout"),
        ("too_many", "zarinpal_-12"),
    ],
)
async def test_start_outages_are_retryable(
    gateway: ZarinpalGateway, impatient: ZarinpalGateway, fake_zarinpal: FakeZarinpal, mode: str, reason: str
) -> None:
    fake_zarinpal.mode = mode

    with pytest.raises(GatewayError) as caught:
        await _for(mode, gateway, impatient).start(_start())

    assert caught.value.reason == reason
    assert caught.value.retryable is True
    assert MERCHANT not in str(caught.value)


@pytest.mark.asyncio
async def test_start_against_nothing_listening_is_retryable() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    host, port = server.server_address[:2]
    server.server_close()
    settings = ZarinpalSettings(
        merchant_id=MERCHANT, base_url=f"http://{host!s}:{port}", timeout_seconds=CLIENT_TIMEOUT
    )
    zarinpal = ZarinpalGateway(settings)
    try:
        with pytest.raises(GatewayError) as caught:
            await zarinpal.start(_start())
    finally:
        await zarinpal.aclose()

    assert caught.value.reason in {"zarinpal_network", "zarinpal_timeout"}
    assert caught.value.retryable is True


# ---------------------------------------------------------------- verify


@pytest.mark.asyncio
async def test_verify_a_paid_payment_then_101_on_the_second_verify(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    token = await _paid(gateway, fake_zarinpal)

    first = await gateway.verify(token, 250_000)
    second = await gateway.verify(token, 250_000)

    assert first.status == VerifyStatus.VERIFIED
    assert first.code == "100"
    assert first.amount == 250_000
    assert first.reference == str(fake_zarinpal.payments[token].ref_id)
    assert first.card_mask == MASKED_PAN
    assert second.status == VerifyStatus.ALREADY_VERIFIED
    assert second.code == "101"
    assert second.reference == first.reference
    assert fake_zarinpal.bodies("verify")[0] == {"merchant_id": MERCHANT, "amount": 250_000, "authority": token}


@pytest.mark.asyncio
async def test_verify_with_another_amount_fails_with_minus_50_and_verifies_nothing(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    token = await _paid(gateway, fake_zarinpal)

    wrong = await gateway.verify(token, 2_500_000)

    assert wrong.status == VerifyStatus.FAILED
    assert wrong.code == "-50"
    assert wrong.reference is None and wrong.amount is None
    assert fake_zarinpal.payments[token].status == "PAID"
    assert (await gateway.verify(token, 250_000)).status == VerifyStatus.VERIFIED


@pytest.mark.asyncio
async def test_verify_an_unpaid_payment_fails_with_minus_51(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    started = await gateway.start(_start())
    still_in_bank = await gateway.verify(started.token, 250_000)
    fake_zarinpal.abandon(started.token)
    abandoned = await gateway.verify(started.token, 250_000)

    assert (still_in_bank.status, still_in_bank.code) == (VerifyStatus.FAILED, "-51")
    assert (abandoned.status, abandoned.code) == (VerifyStatus.FAILED, "-51")


@pytest.mark.asyncio
async def test_verify_an_unknown_authority_fails_with_minus_54(gateway: ZarinpalGateway) -> None:
    result = await gateway.verify("A00000000000000000000000000999999999", 250_000)

    assert (result.status, result.code) == (VerifyStatus.FAILED, "-54")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("500", "zarinpal_http_500"),
        ("not_json", "zarinpal_bad_response"),
        ("hang", "zarinpal_timeout"),
        ("too_many", "-12"),
    ],
)
async def test_verify_outages_are_unknown_never_failed(
    gateway: ZarinpalGateway, impatient: ZarinpalGateway, fake_zarinpal: FakeZarinpal, mode: str, code: str
) -> None:
    token = await _paid(gateway, fake_zarinpal)
    fake_zarinpal.mode = mode

    result = await _for(mode, gateway, impatient).verify(token, 250_000)

    assert result.status == VerifyStatus.UNKNOWN
    assert result.code == code
    assert fake_zarinpal.payments[token].status == "PAID"  # nothing was verified
    fake_zarinpal.mode = "ok"
    assert (await gateway.verify(token, 250_000)).status == VerifyStatus.VERIFIED


@pytest.mark.asyncio
async def test_a_verify_whose_answer_is_lost_is_unknown_then_already_verified(
    gateway: ZarinpalGateway, impatient: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    token = await _paid(gateway, fake_zarinpal)
    fake_zarinpal.mode = "hang_after_verify"

    lost = await impatient.verify(token, 250_000)
    fake_zarinpal.mode = "ok"
    inquiry = await gateway.inquire(token)
    again = await gateway.verify(token, 250_000)

    assert lost.status == VerifyStatus.UNKNOWN
    assert inquiry.status == InquiryStatus.VERIFIED
    assert again.status == VerifyStatus.ALREADY_VERIFIED
    assert again.reference == str(fake_zarinpal.payments[token].ref_id)


@pytest.mark.asyncio
async def test_a_full_card_number_is_masked(gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal) -> None:
    started = await gateway.start(_start())
    fake_zarinpal.pay(started.token, card_pan=FULL_PAN)

    with capture_logs() as logs:
        result = await gateway.verify(started.token, 250_000)

    assert result.card_mask == "603799******1234"
    assert FULL_PAN not in repr(logs)


# ---------------------------------------------------------------- inquiry and reverse


@pytest.mark.asyncio
async def test_inquiry_follows_the_payment(gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal) -> None:
    started = await gateway.start(_start())
    token = started.token
    seen = [(await gateway.inquire(token)).status]
    fake_zarinpal.pay(token)
    seen.append((await gateway.inquire(token)).status)
    await gateway.verify(token, 250_000)
    seen.append((await gateway.inquire(token)).status)
    assert await gateway.reverse(token) is True
    seen.append((await gateway.inquire(token)).status)
    other = (await gateway.start(_start())).token
    fake_zarinpal.abandon(other)
    seen.append((await gateway.inquire(other)).status)

    assert seen == [
        InquiryStatus.PENDING,
        InquiryStatus.PAID,
        InquiryStatus.VERIFIED,
        InquiryStatus.REVERSED,
        InquiryStatus.FAILED,
    ]
    assert fake_zarinpal.bodies("inquiry")[0] == {"merchant_id": MERCHANT, "authority": token}


@pytest.mark.asyncio
async def test_inquiry_of_an_unknown_authority_is_failed(gateway: ZarinpalGateway) -> None:
    assert (await gateway.inquire("A00000000000000000000000000999999999")).status == InquiryStatus.FAILED


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["500", "not_json", "hang", "too_many"])
async def test_inquiry_outages_are_unknown(
    gateway: ZarinpalGateway, impatient: ZarinpalGateway, fake_zarinpal: FakeZarinpal, mode: str
) -> None:
    token = await _paid(gateway, fake_zarinpal)
    fake_zarinpal.mode = mode

    assert (await _for(mode, gateway, impatient).inquire(token)).status == InquiryStatus.UNKNOWN


@pytest.mark.asyncio
async def test_reverse_only_a_verified_payment(gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal) -> None:
    token = await _paid(gateway, fake_zarinpal)

    assert await gateway.reverse(token) is False  # paid, not verified: Zarinpal refuses
    await gateway.verify(token, 250_000)
    assert await gateway.reverse(token) is True
    assert fake_zarinpal.payments[token].status == "REVERSED"
    assert fake_zarinpal.bodies("reverse")[-1] == {"merchant_id": MERCHANT, "authority": token}
    assert await gateway.reverse("A00000000000000000000000000999999999") is False


@pytest.mark.asyncio
@pytest.mark.parametrize(("mode", "reason"), [("500", "zarinpal_http_500"), ("hang", "zarinpal_timeout")])
async def test_reverse_outage_raises_retryable(
    gateway: ZarinpalGateway, impatient: ZarinpalGateway, fake_zarinpal: FakeZarinpal, mode: str, reason: str
) -> None:
    token = await _paid(gateway, fake_zarinpal)
    await gateway.verify(token, 250_000)
    fake_zarinpal.mode = mode

    with pytest.raises(GatewayError) as caught:
        await _for(mode, gateway, impatient).reverse(token)

    assert caught.value.reason == reason
    assert caught.value.retryable is True


# ---------------------------------------------------------------- callback, settings, logs


def test_parse_callback_reads_authority_and_status() -> None:
    zarinpal = ZarinpalGateway(ZarinpalSettings(merchant_id=MERCHANT), httpx.AsyncClient())
    authority = "A00000000000000000000000000217885159"

    ok = zarinpal.parse_callback({"Authority": authority, "Status": "OK"})
    nok = zarinpal.parse_callback({"Authority": authority, "Status": "NOK"})
    missing = zarinpal.parse_callback({"Status": "OK"})
    forged = zarinpal.parse_callback({"Authority": "../../admin?x=1", "Status": "OK"})
    too_long = zarinpal.parse_callback({"Authority": "A" * 65, "Status": "OK"})

    assert (ok.token, ok.says_ok) == (authority, True)
    assert (nok.token, nok.says_ok) == (authority, False)
    assert missing.token is None
    assert forged.token is None
    assert too_long.token is None


def test_settings_defaults_sandbox_hosts_and_a_hidden_merchant() -> None:
    settings = ZarinpalSettings(merchant_id=MERCHANT)
    sandbox = ZarinpalSettings(merchant_id=MERCHANT, sandbox=True)
    custom = ZarinpalSettings(merchant_id=MERCHANT, base_url="http://fake/", sandbox=True)

    assert (settings.base_url, settings.start_base_url) == ("https://payment.zarinpal.com",) * 2
    assert settings.timeout_seconds == 15.0 and settings.sandbox is False
    assert (settings.api_base, settings.start_base) == ("https://payment.zarinpal.com",) * 2
    assert (sandbox.api_base, sandbox.start_base) == ("https://sandbox.zarinpal.com",) * 2
    assert custom.api_base == "http://fake"
    assert MERCHANT not in repr(settings)
    assert PaymentGateway in ZarinpalGateway.__mro__
    assert ZarinpalGateway.name == "zarinpal"


def test_mask_card() -> None:
    assert mask_card(MASKED_PAN) == MASKED_PAN
    assert mask_card(FULL_PAN) == "603799******1234"
    assert mask_card("6037-9912-3456-1234") == "603799******1234"
    assert mask_card("") is None
    assert mask_card(None) is None


@pytest.mark.asyncio
async def test_a_borrowed_client_stays_open(fake_zarinpal: FakeZarinpal) -> None:
    async with httpx.AsyncClient() as client:
        zarinpal = ZarinpalGateway(_settings(fake_zarinpal), client)
        await zarinpal.start(_start())
        await zarinpal.aclose()
        assert not client.is_closed


@pytest.mark.asyncio
async def test_logs_never_carry_the_merchant_or_a_card_number(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    with capture_logs() as logs:
        token = await _paid(gateway, fake_zarinpal)
        await gateway.verify(token, 1)
        await gateway.verify(token, 250_000)
        await gateway.reverse("A00000000000000000000000000999999999")
        fake_zarinpal.mode = "500"
        await gateway.verify(token, 250_000)
        await gateway.inquire(token)
        with pytest.raises(GatewayError):
            await gateway.start(_start())

    assert len(logs) >= 4
    dumped = repr(logs)
    assert MERCHANT not in dumped
    assert FULL_PAN not in dumped


# ---------------------------------------------------------------- answers of every shape


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("http_status", "body", "status", "code"),
    [
        (200, {"data": {"code": 100, "ref_id": 201, "card_pan": MASKED_PAN}, "errors": []}, "verified", "100"),
        (200, {"data": {"code": "101", "ref_id": "201"}, "errors": []}, "already_verified", "101"),
        (200, {"data": [], "errors": {"code": -51, "message": "not paid"}}, "failed", "-51"),
        (422, {"data": [], "errors": {"code": "-50", "message": "amount"}}, "failed", "-50"),
        (401, {"data": [], "errors": {"code": -11, "message": "inactive"}}, "failed", "-11"),
        (200, {"data": {"code": 102}, "errors": []}, "unknown", "zarinpal_bad_response"),
        (200, {"data": [], "errors": []}, "unknown", "zarinpal_bad_response"),
        (200, {"data": {"code": True}, "errors": []}, "unknown", "zarinpal_bad_response"),
        (200, [100], "unknown", "zarinpal_bad_response"),
        (404, "<html>not found</html>", "unknown", "zarinpal_bad_response"),
        (400, {"data": {"code": 100}, "errors": []}, "unknown", "zarinpal_bad_response"),
        (502, "<html>bad gateway</html>", "unknown", "zarinpal_http_502"),
        (503, {"data": {"code": 100}, "errors": []}, "unknown", "zarinpal_http_503"),
    ],
)
async def test_verify_answer_mapping(http_status: int, body: Any, status: str, code: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(http_status, text=body)
        return httpx.Response(http_status, json=body)

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        zarinpal = ZarinpalGateway(ZarinpalSettings(merchant_id=MERCHANT, base_url="https://zarinpal.test"), client)
        result = await zarinpal.verify("A00000000000000000000000000217885159", 250_000)

    assert (result.status.value, result.code) == (status, code)
    if result.status in (VerifyStatus.VERIFIED, VerifyStatus.ALREADY_VERIFIED):
        assert result.amount == 250_000
    else:
        assert result.amount is None and result.reference is None


# ---------------------------------------------------------------- the payment use cases over Zarinpal


@pytest.mark.asyncio
async def test_a_callback_before_paying_does_not_spoil_a_zarinpal_payment(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    """Issue 20: ``?Authority=…&Status=OK`` before the payer paid (verify answers -51)
    leaves the payment open; once paid, the payer's return credits it once, and
    Zarinpal's 101 on the next verify is the same success, not a second credit."""
    uow, notifier, clock = FakeWalletUnitOfWork(), FakeNotifier(), FakeClock(datetime(2026, 5, 22, 7, 0, tzinfo=UTC))
    policy = WalletPolicy(public_url="https://kook.example")
    started = await StartPayment(uow, gateway, clock, policy)(customer_id="c", user_id="u", amount=250_000, mobile=None)
    authority = started.redirect_url.rsplit("/", 1)[1]
    complete = CompletePayment(uow, gateway, LedgerPoster(clock), clock, notifier)

    spoiled = await complete(started.payment_id, {"Authority": authority, "Status": "OK"})
    assert spoiled.status == PaymentStatus.PENDING and spoiled.result_code == "-51"

    fake_zarinpal.pay(authority)
    paid = await complete(started.payment_id, {"Authority": authority, "Status": "OK"})
    assert paid.status == PaymentStatus.VERIFIED and paid.reference is not None
    await complete(started.payment_id, {"Authority": authority, "Status": "OK"})
    assert uow.committed.wallets["c"].available == 250_000 and len(uow.committed.entries) == 1
    assert len(notifier.sent) == 1
    assert [b["amount"] for b in fake_zarinpal.bodies("verify")] == [250_000, 250_000]


@pytest.mark.asyncio
async def test_a_zarinpal_payment_verified_elsewhere_is_credited_by_the_expiry_job_on_101(
    gateway: ZarinpalGateway, fake_zarinpal: FakeZarinpal
) -> None:
    """Spoiled, then paid, then verified but the answer lost (the payer never returns):
    the expiry job's inquiry says VERIFIED, the verify answers 101, and that is a credit, once."""
    uow, notifier, clock = FakeWalletUnitOfWork(), FakeNotifier(), FakeClock(datetime(2026, 5, 22, 7, 0, tzinfo=UTC))
    policy = WalletPolicy(payments=PaymentPolicy(expire_after=timedelta(minutes=20)))
    started = await StartPayment(uow, gateway, clock, policy)(customer_id="c", user_id="u", amount=300_000, mobile=None)
    authority = started.redirect_url.rsplit("/", 1)[1]
    complete = CompletePayment(uow, gateway, LedgerPoster(clock), clock, notifier)
    expire = ExpireStalePayments(uow, gateway, LedgerPoster(clock), clock, notifier, policy)

    await complete(started.payment_id, {"Authority": authority, "Status": "OK"})
    fake_zarinpal.pay(authority)
    await gateway.verify(authority, 300_000)  # verified at Zarinpal; the answer never reached the portal
    assert uow.committed.payments[started.payment_id].status == PaymentStatus.PENDING

    clock.advance(minutes=21)
    assert await expire() == {"verified": 1}
    assert await expire() == {}
    payment = uow.committed.payments[started.payment_id]
    assert (payment.status, payment.result_code) == (PaymentStatus.VERIFIED, "101")
    assert uow.committed.wallets["c"].available == 300_000 and len(uow.committed.entries) == 1

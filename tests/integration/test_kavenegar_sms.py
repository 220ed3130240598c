"""The Kavenegar adapter against a local fake of Kavenegar's REST API."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import pytest_asyncio
from structlog.testing import capture_logs

from kook.adapters.sms.kavenegar import (
    KavenegarSettings,
    KavenegarSmsSender,
    mask_mobile,
)
from kook.application.shared.ports import SmsDeliveryError, SmsSender

API_KEY = "4F6A-secret-api-key-7C2B"
SENDER = "10004346"
MOBILE = "09121234567"
TEXT = "کد ورود شما به کوک: 482915"
CODE = "482915"
CLIENT_TIMEOUT = 0.5


@dataclass
class Received:
    method: str
    path: str
    content_type: str
    form: dict[str, list[str]]


@dataclass
class FakeKavenegar:
    """What the fake server received, and how it should answer next."""

    base_url: str = ""
    api_key: str = API_KEY
    mode: str = "ok"  # ok | 418 | 411 | 500 | not_json | hang
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def _error_body(status: int, message: str) -> bytes:
    return json.dumps({"return": {"status": status, "message": message}, "entries": None}).encode()


def _handler_for(fake: FakeKavenegar) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            fake.received.append(Received("GET", self.path, "", {}))
            self._answer(404, b"not found", "text/plain")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length).decode()
            form = parse_qs(raw, keep_blank_values=True)
            fake.received.append(Received("POST", self.path, self.headers.get("Content-Type", ""), form))
            parts = self.path.split("/")
            # ["", "v1", key, "sms", "send.json"]
            if len(parts) != 5 or parts[1] != "v1" or parts[3:] != ["sms", "send.json"]:
                self._answer(404, b"not found", "text/plain")
                return
            if parts[2] != fake.api_key:
                self._answer(401, _error_body(401, "API key is not valid"), "application/json")
                return
            json_type = "application/json; charset=utf-8"
            if fake.mode == "hang":
                fake.release.wait(CLIENT_TIMEOUT * 6)
                self._answer(200, _error_body(200, "too late"), json_type)
            elif fake.mode == "418":
                self._answer(418, _error_body(418, "اعتبار حساب شما کافی نیست"), json_type)
            elif fake.mode == "411":
                self._answer(411, _error_body(411, "گیرنده نامعتبر است"), json_type)
            elif fake.mode == "500":
                self._answer(500, _error_body(500, "internal error"), json_type)
            elif fake.mode == "not_json":
                self._answer(200, b"<html><body>maintenance</body></html>", "text/html")
            else:
                receptor = form.get("receptor", [""])[0]
                body = {
                    "return": {"status": 200, "message": "تایید شد"},
                    "entries": [
                        {
                            "messageid": 8792343,
                            "message": form.get("message", [""])[0],
                            "status": 1,
                            "statustext": "در صف ارسال",
                            "sender": form.get("sender", ["10004346"])[0],
                            "receptor": receptor,
                            "date": 1356619709,
                            "cost": 120,
                        }
                    ],
                }
                self._answer(200, json.dumps(body, ensure_ascii=False).encode(), json_type)

    return Handler


@pytest.fixture
def fake_kavenegar() -> Iterator[FakeKavenegar]:
    fake = FakeKavenegar()
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


@pytest_asyncio.fixture
async def sender(fake_kavenegar: FakeKavenegar) -> AsyncIterator[KavenegarSmsSender]:
    settings = KavenegarSettings(
        api_key=API_KEY,
        sender=SENDER,
        base_url=fake_kavenegar.base_url,
        timeout_seconds=CLIENT_TIMEOUT,
    )
    sms = KavenegarSmsSender(settings)
    try:
        yield sms
    finally:
        await sms.aclose()


def _assert_reason_is_clean(error: SmsDeliveryError) -> None:
    for secret in (API_KEY, TEXT, CODE):
        assert secret not in error.reason
        assert secret not in str(error)


# ---------------------------------------------------------------- success


@pytest.mark.asyncio
async def test_send_posts_the_form_to_the_send_endpoint(
    sender: KavenegarSmsSender, fake_kavenegar: FakeKavenegar
) -> None:
    await sender.send(MOBILE, TEXT, code=CODE)

    assert len(fake_kavenegar.received) == 1
    request = fake_kavenegar.received[0]
    assert request.method == "POST"
    assert request.path == f"/v1/{API_KEY}/sms/send.json"
    assert request.content_type.startswith("application/x-www-form-urlencoded")
    assert request.form == {"receptor": [MOBILE], "message": [TEXT], "sender": [SENDER]}


@pytest.mark.asyncio
async def test_sender_field_is_omitted_when_not_configured(
    fake_kavenegar: FakeKavenegar,
) -> None:
    settings = KavenegarSettings(api_key=API_KEY, base_url=fake_kavenegar.base_url + "/")
    async with httpx.AsyncClient() as client:
        sms = KavenegarSmsSender(settings, client)
        await sms.send(MOBILE, TEXT)
        await sms.aclose()  # a borrowed client stays open
        assert not client.is_closed

    request = fake_kavenegar.received[0]
    assert request.path == f"/v1/{API_KEY}/sms/send.json"
    assert request.form == {"receptor": [MOBILE], "message": [TEXT]}


def test_is_an_sms_sender_and_hides_the_key() -> None:
    settings = KavenegarSettings(api_key=API_KEY)
    assert settings.base_url == "https://api.kavenegar.com"
    assert settings.timeout_seconds == 10.0
    assert settings.sender is None
    assert API_KEY not in repr(settings)
    assert SmsSender in KavenegarSmsSender.__mro__


def test_mask_mobile() -> None:
    assert mask_mobile("09121234567") == "0912***4567"
    assert mask_mobile("12345") == "***"


# ---------------------------------------------------------------- refused locally


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "mobile",
    [
        "00441234567890",
        "+441234567890",
        "12345",
        "9121234567",
        "+989121234567",
        "02188888888",
        "",
    ],
)
async def test_non_iranian_mobile_is_refused_before_any_request(
    sender: KavenegarSmsSender, fake_kavenegar: FakeKavenegar, mobile: str
) -> None:
    with pytest.raises(SmsDeliveryError) as caught:
        await sender.send(mobile, TEXT, code=CODE)

    assert caught.value.reason == "not_iranian_mobile"
    assert caught.value.retryable is False
    assert fake_kavenegar.received == []


# ---------------------------------------------------------------- provider errors


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("mode", "reason", "retryable"),
    [
        ("418", "kavenegar_418", False),
        ("411", "kavenegar_411", False),
        ("500", "kavenegar_500", True),
        ("not_json", "kavenegar_bad_response", True),
        ("hang", "kavenegar_timeout", True),
    ],
)
async def test_provider_errors_map_to_reason_and_retryable(
    sender: KavenegarSmsSender,
    fake_kavenegar: FakeKavenegar,
    mode: str,
    reason: str,
    retryable: bool,
) -> None:
    fake_kavenegar.mode = mode

    with pytest.raises(SmsDeliveryError) as caught:
        await sender.send(MOBILE, TEXT, code=CODE)

    assert caught.value.reason == reason
    assert caught.value.retryable is retryable
    _assert_reason_is_clean(caught.value)
    assert len(fake_kavenegar.received) == 1


@pytest.mark.asyncio
async def test_failure_log_carries_no_secret(sender: KavenegarSmsSender, fake_kavenegar: FakeKavenegar) -> None:
    fake_kavenegar.mode = "418"

    with capture_logs() as logs, pytest.raises(SmsDeliveryError):
        await sender.send(MOBILE, TEXT, code=CODE)

    assert len(logs) == 1
    entry = logs[0]
    assert entry["log_level"] == "warning"
    assert entry["reason"] == "kavenegar_418"
    assert entry["mobile"] == "0912***4567"
    dumped = repr(entry)
    for secret in (API_KEY, TEXT, CODE, MOBILE):
        assert secret not in dumped


@pytest.mark.asyncio
async def test_wrong_api_key_is_not_retryable(fake_kavenegar: FakeKavenegar) -> None:
    settings = KavenegarSettings(
        api_key="wrong-key",
        base_url=fake_kavenegar.base_url,
        timeout_seconds=CLIENT_TIMEOUT,
    )
    sms = KavenegarSmsSender(settings)
    try:
        with pytest.raises(SmsDeliveryError) as caught:
            await sms.send(MOBILE, TEXT, code=CODE)
    finally:
        await sms.aclose()

    assert caught.value.reason == "kavenegar_401"
    assert caught.value.retryable is False
    assert "wrong-key" not in caught.value.reason
    assert fake_kavenegar.received[0].path == "/v1/wrong-key/sms/send.json"


@pytest.mark.asyncio
async def test_unreachable_provider_is_retryable() -> None:
    # Bind a port, then close it: nothing listens there.
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    host, port = server.server_address[:2]
    server.server_close()
    settings = KavenegarSettings(
        api_key=API_KEY,
        base_url=f"http://{host!s}:{port}",
        timeout_seconds=CLIENT_TIMEOUT,
    )
    sms = KavenegarSmsSender(settings)
    try:
        with pytest.raises(SmsDeliveryError) as caught:
            await sms.send(MOBILE, TEXT, code=CODE)
    finally:
        await sms.aclose()

    assert caught.value.reason in {"kavenegar_network", "kavenegar_timeout"}
    assert caught.value.retryable is True
    _assert_reason_is_clean(caught.value)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("http_status", "body", "reason", "retryable"),
    [
        (200, {"return": {"status": 200, "message": "ok"}, "entries": []}, None, False),
        (
            200,
            {"return": {"status": 418, "message": "credit"}, "entries": None},
            "kavenegar_418",
            False,
        ),
        (
            403,
            {"return": {"status": 403, "message": "no"}, "entries": None},
            "kavenegar_403",
            False,
        ),
        (
            412,
            {"return": {"status": 412, "message": "sender"}, "entries": None},
            "kavenegar_412",
            False,
        ),
        (
            422,
            {"return": {"status": 422, "message": "chars"}, "entries": None},
            "kavenegar_422",
            False,
        ),
        (
            429,
            {"return": {"status": 429, "message": "slow"}, "entries": None},
            "kavenegar_429",
            True,
        ),
        (502, "<html>bad gateway</html>", "kavenegar_502", True),
        (
            400,
            {"return": {"status": 200, "message": "?"}, "entries": None},
            "kavenegar_400",
            False,
        ),
        (200, {"entries": []}, "kavenegar_bad_response", True),
        (200, [1, 2], "kavenegar_bad_response", True),
        (404, "not found", "kavenegar_bad_response", True),
    ],
)
async def test_status_mapping(http_status: int, body: Any, reason: str | None, retryable: bool) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(http_status, text=body)
        return httpx.Response(http_status, json=body)

    settings = KavenegarSettings(api_key=API_KEY, base_url="https://kavenegar.test")
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        sms = KavenegarSmsSender(settings, client)
        if reason is None:
            await sms.send(MOBILE, TEXT)
            return
        with pytest.raises(SmsDeliveryError) as caught:
            await sms.send(MOBILE, TEXT, code=CODE)
    assert caught.value.reason == reason
    assert caught.value.retryable is retryable

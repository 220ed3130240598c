"""Zarinpal (زرین‌پال) REST v4: implements the ``PaymentGateway`` port.

Configuration (read by the composition root, not here): the merchant id (36
characters, secret: never logged), the API base (``https://payment.zarinpal.com``;
``https://sandbox.zarinpal.com`` with ``sandbox=True``), the base of the payer's
StartPay page, and a timeout per call.

Protocol (JSON in, JSON out; every answer is ``{"data": …, "errors": …}``):

* ``POST {base}/pg/v4/payment/request.json`` ``{merchant_id, amount, currency:
  "IRR", callback_url, description, metadata: {order_id, mobile?}}`` →
  ``data.code == 100`` and ``data.authority``; the payer goes to
  ``{start_base}/pg/StartPay/{authority}``.
* The payer comes back to ``callback_url?Authority=…&Status=OK|NOK``. Only the
  authority is used, to find our payment; ``Status`` is a hint, never trusted.
* ``POST …/verify.json`` ``{merchant_id, amount, authority}`` with OUR amount →
  ``data.code`` 100 (verified now: ``ref_id``, ``card_pan``) or 101 (verified
  before). A failure is ``errors: {code, message}``: -9 validation, -10/-11
  merchant not valid/active, -50 amount differs, -51 not paid, -52 support,
  -53 another merchant's, -54 invalid authority, -55 not found, …
* ``POST …/inquiry.json`` ``{merchant_id, authority}`` → ``data.status``
  VERIFIED, PAID, IN_BANK, FAILED or REVERSED. Informative only.
* ``POST …/reverse.json`` ``{merchant_id, authority}`` → ``data.code == 100``.

How answers map onto the port:

* ``start``: anything but an authority raises ``GatewayError``: transport
  failures, 5xx, unreadable answers and -12 (too many attempts) are
  retryable, Zarinpal's refusals (``zarinpal_<code>``) are not.
* ``verify`` never raises. It is FAILED only on Zarinpal's explicit refusal
  (with its code; -50, an amount mismatch, is FAILED and never a credit).
  Timeouts, network errors, 5xx, unreadable answers and -12 are UNKNOWN:
  the payer may have paid, so the caller asks again later (inquiry), and
  never marks it failed on such an answer.
* ``inquire`` never raises: unclear answers are UNKNOWN; -54 (no such
  authority) is FAILED.
* ``reverse``: True when Zarinpal answers 100, False on its refusal; a
  transport failure, 5xx or unreadable answer raises a retryable
  ``GatewayError`` (whether it happened is unknown).

Logs carry the operation, the outcome and Zarinpal's code; never the
merchant id, and card numbers only masked (``603799******1234``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from kook.application.wallet.ports import (
    CallbackData,
    GatewayError,
    Inquiry,
    InquiryStatus,
    PaymentGateway,
    PaymentStart,
    StartedPayment,
    Verification,
    VerifyStatus,
)

_log = structlog.get_logger(__name__)

PRODUCTION_URL = "https://payment.zarinpal.com"
SANDBOX_URL = "https://sandbox.zarinpal.com"

CODE_OK = 100
CODE_ALREADY_VERIFIED = 101
CODE_TOO_MANY_ATTEMPTS = -12  # "try again later": says nothing about the payment
CODE_INVALID_AUTHORITY = -54

_INQUIRY_STATUSES = {
    "VERIFIED": InquiryStatus.VERIFIED,
    "PAID": InquiryStatus.PAID,
    "IN_BANK": InquiryStatus.PENDING,
    "FAILED": InquiryStatus.FAILED,
    "REVERSED": InquiryStatus.REVERSED,
}
_AUTHORITY = re.compile(r"^[A-Za-z0-9]{1,64}$")
_DIGITS = re.compile(r"\d")
_MAX_DESCRIPTION = 500  # Zarinpal refuses longer descriptions with -9


@dataclass(frozen=True)
class ZarinpalSettings:
    merchant_id: str
    base_url: str = PRODUCTION_URL
    start_base_url: str = PRODUCTION_URL
    timeout_seconds: float = 15.0
    sandbox: bool = False

    @property
    def api_base(self) -> str:
        """Where the API lives; Zarinpal's sandbox host when ``sandbox`` and the base is the default."""
        if self.sandbox and self.base_url == PRODUCTION_URL:
            return SANDBOX_URL
        return self.base_url.rstrip("/")

    @property
    def start_base(self) -> str:
        if self.sandbox and self.start_base_url == PRODUCTION_URL:
            return SANDBOX_URL
        return self.start_base_url.rstrip("/")

    def __repr__(self) -> str:  # keep the merchant id out of tracebacks and logs
        return (
            f"ZarinpalSettings(merchant_id='***', base_url={self.base_url!r}, "
            f"start_base_url={self.start_base_url!r}, timeout_seconds={self.timeout_seconds!r}, "
            f"sandbox={self.sandbox!r})"
        )


def mask_card(pan: object) -> str | None:
    """A card number with at most its first six and last four digits shown.

    Zarinpal already sends ``502229******5995``; a full number (never expected)
    is masked here too, so that no full card number is ever kept or logged.
    """
    if not isinstance(pan, str) or not pan.strip():
        return None
    text = pan.strip()
    digits = _DIGITS.findall(text)
    if len(digits) <= 10:
        return text[:32]
    shown = digits[:6] + ["*"] * (len(digits) - 10) + digits[-4:]
    return "".join(shown)


@dataclass(frozen=True)
class _Answer:
    """One call's outcome: ``data`` on success, else Zarinpal's error code, else a failure reason."""

    data: Mapping[str, Any] | None = None
    error_code: int | None = None
    failure: str | None = None  # zarinpal_timeout, zarinpal_network, zarinpal_http_502, zarinpal_bad_response


class ZarinpalGateway(PaymentGateway):
    """Talks to Zarinpal's v4 REST API."""

    name = "zarinpal"

    def __init__(self, settings: ZarinpalSettings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=settings.timeout_seconds)
        self._api = f"{settings.api_base}/pg/v4/payment"

    async def aclose(self) -> None:
        """Close the HTTP client if this gateway created it."""
        if self._owns_client:
            await self._client.aclose()

    # ------------------------------------------------------------------ port

    async def start(self, payment: PaymentStart) -> StartedPayment:
        metadata: dict[str, str] = {"order_id": payment.payment_id}
        if payment.mobile:
            metadata["mobile"] = payment.mobile
        answer = await self._call(
            "request",
            {
                "amount": payment.amount,
                "currency": "IRR",
                "callback_url": payment.callback_url,
                "description": payment.description[:_MAX_DESCRIPTION],
                "metadata": metadata,
            },
        )
        if answer.data is not None:
            authority = answer.data.get("authority")
            if (
                _int(answer.data.get("code")) == CODE_OK
                and isinstance(authority, str)
                and _AUTHORITY.fullmatch(authority)
            ):
                return StartedPayment(
                    token=authority, redirect_url=f"{self._settings.start_base}/pg/StartPay/{authority}"
                )
            answer = _Answer(failure="zarinpal_bad_response")
        if answer.error_code is not None:
            reason = f"zarinpal_{answer.error_code}"
            retryable = answer.error_code == CODE_TOO_MANY_ATTEMPTS
        else:
            reason = answer.failure or "zarinpal_bad_response"
            retryable = True
        _log.warning("payment_start_failed", gateway=self.name, reason=reason, retryable=retryable)
        raise GatewayError(reason, retryable=retryable)

    async def verify(self, token: str, amount: int) -> Verification:
        answer = await self._call("verify", {"amount": amount, "authority": token})
        if answer.data is not None:
            code = _int(answer.data.get("code"))
            if code in (CODE_OK, CODE_ALREADY_VERIFIED):
                ref_id = answer.data.get("ref_id")
                return Verification(
                    status=VerifyStatus.VERIFIED if code == CODE_OK else VerifyStatus.ALREADY_VERIFIED,
                    amount=amount,  # Zarinpal verified OUR amount (a different one is -50)
                    reference=None if ref_id is None or isinstance(ref_id, bool) else str(ref_id),
                    card_mask=mask_card(answer.data.get("card_pan")),
                    code=str(code),
                )
            answer = _Answer(failure="zarinpal_bad_response")
        if answer.error_code is not None and answer.error_code != CODE_TOO_MANY_ATTEMPTS:
            _log.info("payment_verify_refused", gateway=self.name, code=answer.error_code, authority=token)
            return Verification(status=VerifyStatus.FAILED, code=str(answer.error_code))
        code_text = str(answer.error_code) if answer.error_code is not None else answer.failure
        _log.warning("payment_verify_unknown", gateway=self.name, reason=code_text, authority=token)
        return Verification(status=VerifyStatus.UNKNOWN, code=code_text)

    async def inquire(self, token: str) -> Inquiry:
        answer = await self._call("inquiry", {"authority": token})
        if answer.data is not None:
            status = answer.data.get("status")
            found = _INQUIRY_STATUSES.get(status) if isinstance(status, str) else None
            if found is not None:
                return Inquiry(status=found)
            _log.warning("payment_inquiry_unclear", gateway=self.name, authority=token)
            return Inquiry(status=InquiryStatus.UNKNOWN)
        if answer.error_code == CODE_INVALID_AUTHORITY:
            return Inquiry(status=InquiryStatus.FAILED)
        _log.warning(
            "payment_inquiry_unknown",
            gateway=self.name,
            reason=answer.failure or f"zarinpal_{answer.error_code}",
            authority=token,
        )
        return Inquiry(status=InquiryStatus.UNKNOWN)

    async def reverse(self, token: str) -> bool:
        answer = await self._call("reverse", {"authority": token})
        if answer.data is not None:
            if _int(answer.data.get("code")) == CODE_OK:
                _log.info("payment_reversed", gateway=self.name, authority=token)
                return True
            answer = _Answer(failure="zarinpal_bad_response")
        if answer.error_code is not None:
            _log.warning("payment_reverse_refused", gateway=self.name, code=answer.error_code, authority=token)
            return False
        reason = answer.failure or "zarinpal_bad_response"
        _log.warning("payment_reverse_failed", gateway=self.name, reason=reason, authority=token)
        raise GatewayError(reason, retryable=True)

    def parse_callback(self, params: Mapping[str, str]) -> CallbackData:
        authority = (params.get("Authority") or "").strip()
        return CallbackData(
            token=authority if _AUTHORITY.fullmatch(authority) else None,
            says_ok=(params.get("Status") or "").strip().upper() == "OK",
        )

    # ------------------------------------------------------------------ wire

    async def _call(self, operation: str, body: dict[str, Any]) -> _Answer:
        payload = {"merchant_id": self._settings.merchant_id, **body}
        try:
            response = await self._client.post(
                f"{self._api}/{operation}.json",
                json=payload,
                headers={"Accept": "application/json"},
                timeout=self._settings.timeout_seconds,
            )
        except httpx.TimeoutException:
            return _Answer(failure="zarinpal_timeout")
        except httpx.HTTPError:
            return _Answer(failure="zarinpal_network")
        if response.status_code >= 500:
            return _Answer(failure=f"zarinpal_http_{response.status_code}")
        return _read(response)


def _read(response: httpx.Response) -> _Answer:
    """Zarinpal answers 200 with ``data`` or 4xx with ``errors``; anything else is unreadable."""
    try:
        body = response.json()
    except ValueError:
        return _Answer(failure="zarinpal_bad_response")
    if not isinstance(body, dict):
        return _Answer(failure="zarinpal_bad_response")
    errors = body.get("errors")
    if isinstance(errors, dict):
        code = _int(errors.get("code"))
        if code is not None and code != CODE_OK:
            return _Answer(error_code=code)
    data = body.get("data")
    if isinstance(data, dict) and data and response.is_success:
        return _Answer(data=data)
    return _Answer(failure="zarinpal_bad_response")


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None

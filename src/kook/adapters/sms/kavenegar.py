"""Kavenegar (کاوه‌نگار) SMS provider: implements the ``SmsSender`` port.

Configuration (read by the composition root, not here)::

    KOOK_SMS_PROVIDER=kavenegar           # select this adapter
    KOOK_KAVENEGAR_API_KEY=<api key>      # required; secret, never logged
    KOOK_KAVENEGAR_SENDER=10004346        # optional sender line; account default if unset
    KOOK_KAVENEGAR_BASE_URL=https://api.kavenegar.com   # optional (tests point it at a fake)
    KOOK_KAVENEGAR_TIMEOUT=10             # optional, seconds per request

Protocol: ``POST {base_url}/v1/{api_key}/sms/send.json`` with the form fields
``receptor``, ``message`` and (when configured) ``sender``. The answer is JSON
``{"return": {"status": 200, "message": "..."}, "entries": [...]}``; any
status other than 200 is a failure.

Failures raise ``SmsDeliveryError``:

* ``not_iranian_mobile`` (not retryable) — the number is not ``09XXXXXXXXX``;
  nothing is sent;
* ``kavenegar_<status>`` — the provider's status. 5xx (and 408/429) are
  retryable; every other status (400–422: bad key, account, receptor, sender,
  not enough credit, ...) is not;
* ``kavenegar_timeout`` / ``kavenegar_network`` (retryable) — no answer;
* ``kavenegar_bad_response`` (retryable) — an answer that is not the JSON above.

Reasons never carry the API key, the text or the code; the one log line on
failure carries only the status and a masked number (``0912***4567``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import quote

import httpx
import structlog

from kook.application.shared.ports import SmsDeliveryError, SmsSender
from kook.domain.shared.mobile import is_normalized_mobile

_log = structlog.get_logger(__name__)

_OK = 200
_RETRYABLE_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class KavenegarSettings:
    api_key: str
    sender: str | None = None
    base_url: str = "https://api.kavenegar.com"
    timeout_seconds: float = 10.0

    def __repr__(self) -> str:  # keep the key out of tracebacks and logs
        return (
            f"KavenegarSettings(api_key='***', sender={self.sender!r}, "
            f"base_url={self.base_url!r}, timeout_seconds={self.timeout_seconds!r})"
        )


def mask_mobile(mobile: str) -> str:
    """``09121234567`` -> ``0912***4567``; anything else is fully masked."""
    if is_normalized_mobile(mobile):
        return f"{mobile[:4]}***{mobile[-4:]}"
    return "***"


class KavenegarSmsSender(SmsSender):
    """Sends one SMS through Kavenegar's REST API."""

    def __init__(self, settings: KavenegarSettings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=settings.timeout_seconds)
        self._url = f"{settings.base_url.rstrip('/')}/v1/{quote(settings.api_key, safe='')}/sms/send.json"

    async def aclose(self) -> None:
        """Close the HTTP client if this sender created it."""
        if self._owns_client:
            await self._client.aclose()

    async def send(self, mobile: str, text: str, *, code: str | None = None) -> None:
        del code  # real providers ignore it (see the port)
        if not is_normalized_mobile(mobile):
            self._fail("not_iranian_mobile", retryable=False, mobile=mobile)
        form = {"receptor": mobile, "message": text}
        if self._settings.sender:
            form["sender"] = self._settings.sender
        try:
            response = await self._client.post(self._url, data=form, timeout=self._settings.timeout_seconds)
        except httpx.TimeoutException:
            self._fail("kavenegar_timeout", retryable=True, mobile=mobile)
        except httpx.HTTPError as error:
            self._fail(
                "kavenegar_network",
                retryable=True,
                mobile=mobile,
                error=type(error).__name__,
            )
        self._check(response, mobile)

    def _check(self, response: httpx.Response, mobile: str) -> None:
        http_status = response.status_code
        if http_status >= 500:
            self._fail(f"kavenegar_{http_status}", retryable=True, mobile=mobile)
        status = _return_status(response)
        if status is None:
            self._fail(
                "kavenegar_bad_response",
                retryable=True,
                mobile=mobile,
                http_status=http_status,
            )
        if status == _OK and http_status == _OK:
            return
        if status == _OK:  # a 2xx/4xx HTTP status contradicting the body
            status = http_status
        self._fail(
            f"kavenegar_{status}",
            retryable=status >= 500 or status in _RETRYABLE_STATUSES,
            mobile=mobile,
            http_status=http_status,
        )

    @staticmethod
    def _fail(reason: str, *, retryable: bool, mobile: str, **context: Any) -> NoReturn:
        _log.warning(
            "sms_send_failed",
            provider="kavenegar",
            reason=reason,
            retryable=retryable,
            mobile=mask_mobile(mobile),
            **context,
        )
        raise SmsDeliveryError(reason, retryable=retryable)


def _return_status(response: httpx.Response) -> int | None:
    """``return.status`` of a Kavenegar answer, or None if it is not one."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    ret = body.get("return")
    if not isinstance(ret, dict):
        return None
    status = ret.get("status")
    if isinstance(status, bool) or not isinstance(status, int | str):
        return None
    try:
        return int(status)
    except ValueError:
        return None

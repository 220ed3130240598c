"""Outbound webhook calls to public addresses only (SSRF guard), and the endpoints' signing secrets.

The URL's host is resolved here; every address it resolves to must be public (``is_public_address``), and the
connection goes to that resolved address — the name is not looked up again by the HTTP client, so a DNS answer
that changes between the check and the call (rebinding) cannot steer it inside. TLS still checks the certificate
against the host's name (SNI). Redirects are not followed, the proxy environment is ignored, the call has a short
timeout, and the answer's body is never read.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlsplit, urlunsplit

import httpx

from kook.application.webhooks.ports import WebhookSecrets, WebhookSender, WebhookSendError
from kook.domain.webhooks.webhook import DestinationRefused, is_public_address

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in found:
            found.append(address)
    return found


class HttpWebhookSender(WebhookSender):
    def __init__(
        self,
        *,
        timeout_seconds: float = 5.0,
        allow_loopback: bool = False,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._allow_loopback = allow_loopback
        self._resolver = resolver or system_resolver
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=0),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _resolve(self, url: str) -> tuple[str, str, int, str]:
        """(scheme, host, port, first allowed address) or DestinationRefused."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise DestinationRefused(details={"reason": "url_invalid"}) from None
        host = parts.hostname
        if parts.scheme not in ("http", "https") or not host:
            raise DestinationRefused(details={"reason": "url_invalid"})
        port = port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = await self._resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise DestinationRefused(details={"reason": "unresolvable"}) from exc
        if not addresses:
            raise DestinationRefused(details={"reason": "unresolvable"})
        for address in addresses:
            if not is_public_address(address, allow_loopback=self._allow_loopback):
                raise DestinationRefused(details={"reason": "not_public"})
        return parts.scheme, host, port, addresses[0]

    async def check_destination(self, url: str) -> None:
        await self._resolve(url)

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        scheme, host, port, address = await self._resolve(url)
        parts = urlsplit(url)
        literal = f"[{address}]" if ":" in address else address
        target = urlunsplit((scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
        default_port = 443 if scheme == "https" else 80
        host_header = (f"[{host}]" if ":" in host else host) + ("" if port == default_port else f":{port}")
        sent = {**headers, "Host": host_header}
        extensions = {"sni_hostname": host} if scheme == "https" else {}
        try:
            request = self._client.build_request("POST", target, content=body, headers=sent, extensions=extensions)
            response = await self._client.send(request, stream=True)
            await response.aclose()  # the answer's body is not read
        except httpx.TimeoutException as exc:
            raise WebhookSendError("timeout") from exc
        except httpx.HTTPError as exc:
            raise WebhookSendError(type(exc).__name__) from exc
        return response.status_code


class HmacWebhookSecrets(WebhookSecrets):
    """An endpoint's secret is HMAC-SHA256(server key, endpoint id and salt): the table holds only the salt."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("secret key too short")
        self._key = key

    def new_salt(self) -> str:
        return secrets.token_hex(16)

    def secret_for(self, endpoint_id: str, salt: str) -> str:
        mac = hmac.new(self._key, f"webhook:{endpoint_id}:{salt}".encode(), hashlib.sha256).digest()
        return "whsec_" + base64.urlsafe_b64encode(mac).decode().rstrip("=")

"""The operator port over HTTP: the small JSON protocol the simulator speaks.

Protocol (every provider adapter behind a route speaks it, or is translated to it)::

    POST {base}/topups
      {"reference": "...", "mobile": "09121234567", "operator_code": "<the route's own code>",
       "product": "airtime" | "<package code>", "amount": 200000}
      → 200 {"reference": "...", "status": "succeeded", "provider_ref": "..."}
      → 200 {"reference": "...", "status": "failed", "code": "invalid_number"}
      → 200 {"reference": "...", "status": "pending"}
      The same reference again answers the first outcome and applies nothing.
    GET {base}/topups/{reference}
      → 200 {"reference": "...", "status": "succeeded" | "failed" | "pending", ...}
      → 404 {"reference": "...", "status": "not_found"}   (never received: nothing applied)

How answers become outcomes (the one rule: an outcome is ``failed`` only when
the top-up was certainly not applied):

* could not connect (refused, DNS, connect timeout, no free connection in the
  pool): nothing was sent, so the same reference is retried a few times; if it
  still cannot connect → ``failed("operator_unreachable", retryable=True)``;
* anything that goes wrong *after* the request may have been sent — read or
  write timeout, connection dropped, a 5xx (a gateway's 504 included), a 408 or
  409, a body that cannot be read — → ``pending`` (unknown; ask ``status``);
* 400/422 → ``failed("operator_rejected")``; 401/403 →
  ``failed("operator_auth_failed", retryable=True)``; 404/405 on POST →
  ``failed("operator_endpoint_missing", retryable=True)``; 429 →
  ``failed("operator_busy", retryable=True)``: the provider refused before
  doing anything;
* ``status``: ``not_found`` only when the body says so — a bare 404 (a wrong
  URL) is ``pending``, never "nothing was applied".
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx
import msgspec
import structlog

from kook.adapters.operators.transports import (
    AiohttpTransport,
    AnswerTimedOut,
    ConnectionLost,
    HttpTransport,
    HttpxTransport,
    NotSent,
    RawAnswer,
    Timeouts,
)
from kook.application.shared.ports import (
    OperatorGateway,
    OperatorGateways,
    OutcomeStatus,
    TopUpOutcome,
    TopUpRequest,
)
from kook.domain.routing.operator_routing import AdapterKind, Route, RouteUnavailable

log = structlog.get_logger(__name__)
_ENCODE = msgspec.json.Encoder().encode

CONNECT_RETRIES = 2
RETRY_BACKOFF_SECONDS = 0.05


# --------------------------------------------------------------------------- the gateway


class HttpOperatorGateway(OperatorGateway):
    def __init__(
        self,
        client: HttpTransport,
        route: Route,
        base_url: str,
        *,
        token: str | None = None,
        connect_retries: int = CONNECT_RETRIES,
    ) -> None:
        self._client = client
        self._route = route
        self._base = base_url.rstrip("/")
        self._timeouts = Timeouts(connect=route.connect_timeout_ms / 1000, read=route.read_timeout_ms / 1000)
        self._headers = {"accept": "application/json"}
        if token:
            self._headers["authorization"] = f"Bearer {token}"
        self._retries = max(0, connect_retries)

    async def top_up(self, request: TopUpRequest) -> TopUpOutcome:
        try:
            operator_code = self._route.code_for(request.operator)
        except RouteUnavailable:
            return TopUpOutcome.failed("route_code_missing", retryable=True)
        body = _ENCODE(
            {
                "reference": request.reference,
                "mobile": request.mobile,
                "operator_code": operator_code,
                "product": request.product,
                "amount": request.amount,
            }
        )
        headers = {**self._headers, "content-type": "application/json", "idempotency-key": request.reference}
        response = await self._send("POST", f"{self._base}/topups", headers, body)
        if isinstance(response, TopUpOutcome):
            return response
        outcome = _top_up_outcome(response)
        log.info(
            "operator_top_up",
            route=self._route.name,
            reference=request.reference,
            http_status=response.status_code,
            outcome=outcome.status.value,
            code=outcome.code,
        )
        return outcome

    async def status(self, reference: str) -> TopUpOutcome:
        url = f"{self._base}/topups/{quote(reference, safe='')}"
        response = await self._send("GET", url, self._headers, None)
        if isinstance(response, TopUpOutcome):
            # An inquiry that could not be made says nothing about the top-up.
            return TopUpOutcome.pending(response.code or "operator_unreachable")
        return _status_outcome(response)

    async def _send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> RawAnswer | TopUpOutcome:
        for attempt in range(self._retries + 1):
            try:
                return await self._client.request(method, url, headers=headers, body=body, timeouts=self._timeouts)
            except NotSent as exc:
                # Nothing left this process: the same reference may be sent again.
                log.warning("operator_connect_failed", route=self._route.name, attempt=attempt + 1, error=str(exc))
                if attempt < self._retries:
                    await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
            except AnswerTimedOut as exc:
                log.warning("operator_timeout", route=self._route.name, error=str(exc))
                return TopUpOutcome.pending("timeout")
            except ConnectionLost as exc:
                log.warning("operator_connection_lost", route=self._route.name, error=str(exc))
                return TopUpOutcome.pending("connection_lost")
        return TopUpOutcome.failed("operator_unreachable", retryable=True)


def _json(response: RawAnswer) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _from_body(body: dict[str, Any] | None) -> TopUpOutcome | None:
    """The outcome a well-formed body states, or None when it states none clearly."""
    if body is None:
        return None
    status = body.get("status")
    if status == OutcomeStatus.SUCCEEDED:
        ref = body.get("provider_ref")
        return TopUpOutcome.succeeded(str(ref)) if isinstance(ref, str | int) and str(ref) else None
    if status == OutcomeStatus.FAILED:
        code = body.get("code")
        return TopUpOutcome.failed(str(code)[:32] if isinstance(code, str) and code else "operator_failed")
    if status == OutcomeStatus.PENDING:
        return TopUpOutcome.pending("operator_pending")
    return None


def _top_up_outcome(response: RawAnswer) -> TopUpOutcome:
    code = response.status_code
    if 200 <= code < 300:
        return _from_body(_json(response)) or TopUpOutcome.pending("unclear_answer")
    if code in (400, 422):
        return TopUpOutcome.failed("operator_rejected")
    if code in (401, 403):
        return TopUpOutcome.failed("operator_auth_failed", retryable=True)
    if code in (404, 405):
        return TopUpOutcome.failed("operator_endpoint_missing", retryable=True)
    if code == 429:
        return TopUpOutcome.failed("operator_busy", retryable=True)
    if code == 409:
        return TopUpOutcome.pending("reference_conflict")
    return TopUpOutcome.pending("operator_error" if code >= 500 else "unclear_answer")


def _status_outcome(response: RawAnswer) -> TopUpOutcome:
    body = _json(response)
    if response.status_code == 404:
        if body is not None and body.get("status") == OutcomeStatus.NOT_FOUND:
            return TopUpOutcome.not_found()
        return TopUpOutcome.pending("unclear_answer")
    if 200 <= response.status_code < 300:
        return _from_body(body) or TopUpOutcome.pending("unclear_answer")
    return TopUpOutcome.pending("operator_error" if response.status_code >= 500 else "unclear_answer")


class UnavailableGateway(OperatorGateway):
    """A route that cannot be used as configured: nothing is ever sent."""

    def __init__(self, code: str) -> None:
        self._code = code

    async def top_up(self, request: TopUpRequest) -> TopUpOutcome:
        return TopUpOutcome.failed(self._code, retryable=True)

    async def status(self, reference: str) -> TopUpOutcome:
        return TopUpOutcome.pending(self._code)


class HttpOperatorGateways(OperatorGateways):
    """One transport (keep-alive pool) per provider base URL and event loop; a gateway per route.

    ``default_base_url`` serves routes without their own base URL (under
    ``kook serve``: the sandbox simulator at ``{KOOK_PUBLIC_URL}/sim``).
    ``credentials`` maps a route's ``credential_name`` to its bearer token.
    """

    def __init__(
        self,
        default_base_url: str,
        credentials: Mapping[str, str] | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_connections: int = 100,
        connect_retries: int = CONNECT_RETRIES,
    ) -> None:
        self._default = default_base_url.rstrip("/")
        self._credentials = dict(credentials or {})
        self._transport = transport
        self._max_connections = max_connections
        self._retries = connect_retries
        self._clients: dict[tuple[str, int], HttpTransport] = {}

    def base_url_for(self, route: Route) -> str:
        return (route.base_url or self._default).rstrip("/")

    def for_route(self, route: Route) -> OperatorGateway:
        if route.adapter != AdapterKind.HTTP:
            return UnavailableGateway("adapter_unsupported")
        base = self.base_url_for(route)
        if not base:
            return UnavailableGateway("route_not_configured")
        token = self._credentials.get(route.credential_name) if route.credential_name else None
        if route.credential_name and token is None:
            return UnavailableGateway("route_credentials_missing")
        return HttpOperatorGateway(self._client(base), route, base, token=token, connect_retries=self._retries)

    def _client(self, base: str) -> HttpTransport:
        try:
            loop_id = id(asyncio.get_running_loop())
        except RuntimeError:
            loop_id = 0
        key = (base, loop_id)
        client = self._clients.get(key)
        if client is None or client.is_closed:
            client = (
                AiohttpTransport(self._max_connections)
                if self._transport is None
                else HttpxTransport(self._max_connections, self._transport)
            )
            self._clients[key] = client
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            try:
                await client.aclose()
            except RuntimeError:  # a client of another (finished) event loop
                continue

"""The HTTP operator adapter: what each answer (or silence) becomes, against a mock transport.

The one rule: ``failed`` only when the top-up was certainly not applied. Anything
that goes wrong after the request may have left is ``pending`` (unknown).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from kook.adapters.operators.http_operator import HttpOperatorGateways
from kook.application.shared.ports import OutcomeStatus, TopUpOutcome, TopUpRequest
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import Route
from tests.fakes.catalog import seeded_state

NOW = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
BASE = "http://operator.test/sim"
REQUEST = TopUpRequest(
    reference="line-1", mobile="09121234567", operator=Operator.MCI, product="airtime", amount=200_000
)

Handler = Callable[[httpx.Request], httpx.Response]


def route(operator: Operator = Operator.MCI, **changes: object) -> Route:
    base = seeded_state(NOW).routes[operator]
    return base.changed(NOW, **changes) if changes else base


class Recorder:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


def gateways(handler: Handler, **kwargs: object) -> tuple[HttpOperatorGateways, Recorder]:
    recorder = Recorder(handler)
    return HttpOperatorGateways(BASE, transport=httpx.MockTransport(recorder), **kwargs), recorder  # type: ignore[arg-type]


def answer(status: int, body: object = None, text: str | None = None) -> Handler:
    def handler(_request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(status, text=text)
        return httpx.Response(status, json=body)

    return handler


def raises(exc: type[Exception]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("simulated", request=request)  # type: ignore[call-arg]

    return handler


async def test_a_top_up_speaks_the_protocol_in_the_routes_own_numbering() -> None:
    """An aggregator that numbers Hamrah-e Aval 2 gets "2", with the reference as idempotency key."""
    gw, recorder = gateways(answer(200, {"reference": "line-1", "status": "succeeded", "provider_ref": "P-9"}))
    aggregator = route(operator_codes={Operator.MCI: "2", Operator.IRANCELL: "1"}, credential_name="agg")
    gw = HttpOperatorGateways(
        "https://aggregator.example.ir/api/", {"agg": "s3cret"}, transport=httpx.MockTransport(recorder)
    )
    outcome = await gw.for_route(aggregator).top_up(REQUEST)
    assert outcome == TopUpOutcome.succeeded("P-9")
    sent = recorder.requests[0]
    assert sent.method == "POST" and str(sent.url) == "https://aggregator.example.ir/api/topups"
    assert json.loads(sent.content) == {
        "reference": "line-1",
        "mobile": "09121234567",
        "operator_code": "2",
        "product": "airtime",
        "amount": 200_000,
    }
    assert sent.headers["authorization"] == "Bearer s3cret"
    assert sent.headers["idempotency-key"] == "line-1"


async def test_the_default_base_url_serves_routes_without_their_own() -> None:
    gw, recorder = gateways(answer(200, {"status": "succeeded", "provider_ref": "P"}))
    await gw.for_route(route()).top_up(REQUEST)
    assert str(recorder.requests[0].url) == f"{BASE}/topups"
    assert "authorization" not in recorder.requests[0].headers


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        (answer(200, {"status": "succeeded", "provider_ref": "R1"}), TopUpOutcome.succeeded("R1")),
        (answer(200, {"status": "failed", "code": "invalid_number"}), TopUpOutcome.failed("invalid_number")),
        (answer(200, {"status": "failed"}), TopUpOutcome.failed("operator_failed")),
        (answer(400, {"code": "bad"}), TopUpOutcome.failed("operator_rejected")),
        (answer(422, None), TopUpOutcome.failed("operator_rejected")),
        (answer(401, None), TopUpOutcome.failed("operator_auth_failed", retryable=True)),
        (answer(404, None), TopUpOutcome.failed("operator_endpoint_missing", retryable=True)),
        (answer(429, None), TopUpOutcome.failed("operator_busy", retryable=True)),
        # After the request may have arrived: unknown, never failed.
        (answer(200, {"status": "pending"}), TopUpOutcome.pending("operator_pending")),
        (answer(200, {"status": "succeeded"}), TopUpOutcome.pending("unclear_answer")),
        (answer(200, {"status": "maybe"}), TopUpOutcome.pending("unclear_answer")),
        (answer(200, text="<html>ok</html>"), TopUpOutcome.pending("unclear_answer")),
        (answer(200, ["succeeded"]), TopUpOutcome.pending("unclear_answer")),
        (answer(409, {"code": "reference_conflict"}), TopUpOutcome.pending("reference_conflict")),
        (answer(408, None), TopUpOutcome.pending("unclear_answer")),
        (answer(500, None), TopUpOutcome.pending("operator_error")),
        (answer(502, None), TopUpOutcome.pending("operator_error")),
        (answer(504, {"code": "gateway_timeout"}), TopUpOutcome.pending("operator_error")),
        (raises(httpx.ReadTimeout), TopUpOutcome.pending("timeout")),
        (raises(httpx.WriteTimeout), TopUpOutcome.pending("timeout")),
        (raises(httpx.ReadError), TopUpOutcome.pending("connection_lost")),
        (raises(httpx.RemoteProtocolError), TopUpOutcome.pending("connection_lost")),
        (raises(httpx.WriteError), TopUpOutcome.pending("connection_lost")),
    ],
)
async def test_answers_and_silences_become_outcomes(handler: Handler, expected: TopUpOutcome) -> None:
    gw, recorder = gateways(handler)
    assert await gw.for_route(route()).top_up(REQUEST) == expected
    assert len(recorder.requests) == 1  # anything after sending is never sent again by the adapter


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
async def test_a_request_that_never_left_is_retried_then_failed_retryable(error: type[Exception]) -> None:
    gw, recorder = gateways(raises(error), connect_retries=2)
    outcome = await gw.for_route(route()).top_up(REQUEST)
    assert outcome == TopUpOutcome.failed("operator_unreachable", retryable=True)
    assert len(recorder.requests) == 3  # the first try and two retries, all with the same reference
    assert {json.loads(r.content)["reference"] for r in recorder.requests} == {"line-1"}


async def test_a_connect_failure_then_success_is_a_success() -> None:
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"status": "succeeded", "provider_ref": "R2"})

    gw, recorder = gateways(flaky)
    assert await gw.for_route(route()).top_up(REQUEST) == TopUpOutcome.succeeded("R2")
    assert len(recorder.requests) == 2


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        (answer(200, {"status": "succeeded", "provider_ref": "R1"}), TopUpOutcome.succeeded("R1")),
        (answer(200, {"status": "failed", "code": "invalid_number"}), TopUpOutcome.failed("invalid_number")),
        (answer(404, {"reference": "line-1", "status": "not_found"}), TopUpOutcome.not_found()),
        # A bare 404 (a wrong URL) says nothing about the top-up: never "not found".
        (answer(404, None), TopUpOutcome.pending("unclear_answer")),
        (answer(404, text="Not Found"), TopUpOutcome.pending("unclear_answer")),
        (answer(503, None), TopUpOutcome.pending("operator_error")),
        (raises(httpx.ReadTimeout), TopUpOutcome.pending("timeout")),
        (raises(httpx.ConnectError), TopUpOutcome.pending("operator_unreachable")),
    ],
)
async def test_status_inquiries(handler: Handler, expected: TopUpOutcome) -> None:
    gw, recorder = gateways(handler, connect_retries=0)
    assert await gw.for_route(route()).status("line-1") == expected
    assert recorder.requests[0].method == "GET"
    assert str(recorder.requests[0].url) == f"{BASE}/topups/line-1"


async def test_a_reference_is_escaped_in_the_status_path() -> None:
    gw, recorder = gateways(answer(404, {"status": "not_found"}))
    await gw.for_route(route()).status("a/b?c")
    assert recorder.requests[0].url.raw_path == b"/sim/topups/a%2Fb%3Fc"


async def test_routes_that_cannot_be_used_send_nothing() -> None:
    gw, recorder = gateways(answer(200, {"status": "succeeded", "provider_ref": "x"}))
    no_code = dataclasses.replace(route(), operator_codes={Operator.IRANCELL: "2"})
    assert await gw.for_route(no_code).top_up(REQUEST) == TopUpOutcome.failed("route_code_missing", retryable=True)
    missing_secret = route(credential_name="nobody")
    assert (await gw.for_route(missing_secret).top_up(REQUEST)).code == "route_credentials_missing"
    unconfigured = HttpOperatorGateways("", transport=httpx.MockTransport(recorder))
    outcome = await unconfigured.for_route(route()).top_up(REQUEST)
    assert outcome.status is OutcomeStatus.FAILED and outcome.code == "route_not_configured" and outcome.retryable
    assert (await unconfigured.for_route(route()).status("line-1")).status is OutcomeStatus.PENDING
    assert recorder.requests == []


async def test_timeouts_come_from_the_route() -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"status": "succeeded", "provider_ref": "x"})

    gw, _ = gateways(handler)
    await gw.for_route(route(connect_timeout_ms=1500, read_timeout_ms=7000)).top_up(REQUEST)
    assert seen[0]["connect"] == 1.5 and seen[0]["read"] == 7.0


async def test_one_pooled_client_per_provider() -> None:
    gw, _ = gateways(answer(200, {"status": "succeeded", "provider_ref": "x"}))
    first = gw._client(BASE)
    assert gw._client(BASE) is first
    assert gw._client("https://other.example") is not first
    await gw.aclose()
    assert first.is_closed

"""The operator adapter's production client (aiohttp) against real sockets: what each kind of trouble becomes,
what goes on the wire, and that connections are kept alive (the reason this client was chosen: CPU per call).

The one rule: ``failed`` only when the top-up was certainly not applied; trouble after the request may have
left is ``pending`` (unknown: ask ``status``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from kook.adapters.operators.http_operator import HttpOperatorGateways
from kook.application.shared.ports import TopUpOutcome, TopUpRequest
from kook.domain.routing.operator import Operator
from tests.fakes.catalog import seeded_state
from tests.fakes.clock import DEFAULT_START

ROUTE = (
    seeded_state(DEFAULT_START).routes[Operator.MCI].changed(DEFAULT_START, read_timeout_ms=300, connect_timeout_ms=300)
)
REQUEST = TopUpRequest(
    reference="kook-77", mobile="09121234567", operator=Operator.MCI, product="airtime", amount=200_000
)
SUCCEEDED = b'{"reference": "kook-77", "status": "succeeded", "provider_ref": "P-1"}'

Behaviour = Callable[[bytes, asyncio.StreamWriter], Awaitable[bool]]  # False: close the connection


@dataclass
class RawServer:
    behaviour: Behaviour
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)
    base: str = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                request = head + (await reader.readexactly(length) if length else b"")
                self.requests.append(request)
                if not await self.behaviour(request, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def answer(body: bytes, status: str = "200 OK") -> bytes:
    return f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Behaviour], Awaitable[RawServer]]]:
    servers: list[asyncio.Server] = []

    async def start(behaviour: Behaviour) -> RawServer:
        raw = RawServer(behaviour)
        server = await asyncio.start_server(raw.handle, "127.0.0.1", 0)
        servers.append(server)
        raw.base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/sim"
        return raw

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def _top_up(base: str, request: TopUpRequest = REQUEST) -> TopUpOutcome:
    gateways = HttpOperatorGateways(base)
    try:
        return await gateways.for_route(ROUTE).top_up(request)
    finally:
        await gateways.aclose()


async def test_the_wire_carries_json_the_reference_as_idempotency_key_and_keeps_the_connection(
    serve: Callable[[Behaviour], Awaitable[RawServer]],
) -> None:
    async def ok(_request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer(SUCCEEDED))
        await writer.drain()
        return True

    server = await serve(ok)
    gateways = HttpOperatorGateways(server.base)
    try:
        gateway = gateways.for_route(ROUTE)
        outcomes = [await gateway.top_up(REQUEST) for _ in range(50)]
    finally:
        await gateways.aclose()
    assert set(outcomes) == {TopUpOutcome.succeeded("P-1")}
    assert server.connections == 1  # kept alive: one connection for fifty calls in a row
    head, _, body = server.requests[0].partition(b"\r\n\r\n")
    lines = head.decode().lower().split("\r\n")
    assert lines[0] == "post /sim/topups http/1.1"
    assert "content-type: application/json" in lines and "idempotency-key: kook-77" in lines
    assert json.loads(body) == {
        "reference": "kook-77",
        "mobile": "09121234567",
        "operator_code": "1",  # the route's own numbering of Hamrah-e Aval
        "product": "airtime",
        "amount": 200_000,
    }


async def test_a_connection_closed_after_the_request_is_unknown(
    serve: Callable[[Behaviour], Awaitable[RawServer]],
) -> None:
    async def hang_up(_request: bytes, _writer: asyncio.StreamWriter) -> bool:
        return False  # read it (it may have been applied), answer nothing

    server = await serve(hang_up)
    assert await _top_up(server.base) == TopUpOutcome.pending("connection_lost")
    assert len(server.requests) == 1  # never sent again blind


async def test_an_answer_that_is_not_http_is_unknown(serve: Callable[[Behaviour], Awaitable[RawServer]]) -> None:
    async def garbage(_request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"\x00\x01 not http at all\r\n\r\n")
        await writer.drain()
        return False

    server = await serve(garbage)
    assert await _top_up(server.base) == TopUpOutcome.pending("connection_lost")


async def test_silence_past_the_read_timeout_is_unknown(serve: Callable[[Behaviour], Awaitable[RawServer]]) -> None:
    async def silent(_request: bytes, _writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(5)
        return False

    server = await serve(silent)
    assert await _top_up(server.base) == TopUpOutcome.pending("timeout")


async def test_an_answer_dripped_forever_is_cut_and_unknown(serve: Callable[[Behaviour], Awaitable[RawServer]]) -> None:
    async def drip(_request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n")
        for _ in range(100):  # a byte every 0.1 s: never idle past the read timeout, never done
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.1)
        return False

    server = await serve(drip)
    started = asyncio.get_running_loop().time()
    assert await _top_up(server.base) == TopUpOutcome.pending("timeout")
    assert asyncio.get_running_loop().time() - started < 5


async def test_a_busy_answer_is_a_retryable_failure(serve: Callable[[Behaviour], Awaitable[RawServer]]) -> None:
    async def busy(_request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer(b"{}", "429 Too Many Requests"))
        await writer.drain()
        return True

    server = await serve(busy)
    assert await _top_up(server.base) == TopUpOutcome.failed("operator_busy", retryable=True)


async def test_many_calls_at_once_share_a_bounded_pool(serve: Callable[[Behaviour], Awaitable[RawServer]]) -> None:
    async def slow_ok(_request: bytes, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(0.02)
        writer.write(answer(SUCCEEDED))
        await writer.drain()
        return True

    server = await serve(slow_ok)
    gateways = HttpOperatorGateways(server.base, max_connections=8)
    try:
        gateway = gateways.for_route(ROUTE)
        outcomes = await asyncio.gather(*(gateway.top_up(REQUEST) for _ in range(64)))
    finally:
        await gateways.aclose()
    assert set(outcomes) == {TopUpOutcome.succeeded("P-1")}
    assert server.connections <= 8 and len(server.requests) == 64

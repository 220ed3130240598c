"""``kook operator-sim`` answers ``POST /sim/topups`` in front of Litestar: the same answers as the Litestar
route (status, JSON body, content type) for every kind of call, and everything else still Litestar's.

Each case is sent as raw ASGI to the standalone app and to a plain Litestar app of the same route on the same
simulator; the fast path is seen to answer by Litestar never having marked the request's scope.
Run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa
from litestar import Litestar, Request
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.adapters.postgres.tables.catalog import sim_topups
from kook.sandbox.operator_sim import OperatorSimulator
from kook.sandbox.operator_sim_http import create_sim_app, sim_router
from tests.integration.test_catalog_operator_contract import mobile

INVALID_REQUEST = {"status": "failed", "code": "invalid_request"}


@dataclass
class Apps:
    fast: Any  # create_sim_app: POST /sim/topups on the fast path
    routed: Litestar  # the Litestar route itself (as under ``kook serve``)


@pytest.fixture
def apps(simulator: OperatorSimulator) -> Apps:
    async def same(_request: Request[Any, Any, Any]) -> OperatorSimulator:
        return simulator

    routed = Litestar(route_handlers=[sim_router(same)], openapi_config=None, debug=False, logging_config=None)
    return Apps(create_sim_app(simulator), routed)


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    by_litestar: bool  # Litestar marks the scope of every request it serves

    def json(self) -> Any:
        return msgspec.json.decode(self.body)


async def call(
    app: Any,
    body: bytes | list[bytes],
    *,
    method: str = "POST",
    path: str = "/sim/topups",
    content_length: bool = True,
    disconnect: bool = False,
) -> Answer:
    chunks = [body] if isinstance(body, bytes) else body
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1} for i, chunk in enumerate(chunks)
    ]
    if disconnect:
        messages = [{"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)  # as a server: the next message is the client going away
        return {"type": "http.disconnect"}  # pragma: no cover

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"host", b"sim"), (b"content-type", b"application/json")]
    if content_length:
        headers.append((b"content-length", str(sum(len(c) for c in chunks)).encode()))
    else:
        headers.append((b"transfer-encoding", b"chunked"))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path.partition("?")[0],
        "raw_path": path.encode(),
        "query_string": path.partition("?")[2].encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    await asyncio.wait_for(app(scope, receive, send), 30)
    if not sent:
        return Answer(0, [], b"", "litestar_app" in scope)
    start, *bodies = sent
    assert start["type"] == "http.response.start"
    return Answer(
        start["status"], list(start["headers"]), b"".join(m.get("body", b"") for m in bodies), "litestar_app" in scope
    )


def top_up_json(ref: str | None = None, number: str | None = None, amount: int = 200_000, **other: Any) -> bytes:
    fields = {
        "reference": ref or "fast-" + uuid.uuid4().hex,
        "mobile": number or mobile(),
        "operator_code": "1",
        "product": "airtime",
        "amount": amount,
        **other,
    }
    return msgspec.json.encode(fields)


def assert_same(fast: Answer, routed: Answer) -> None:
    assert not fast.by_litestar, "the fast path did not answer"
    assert routed.by_litestar
    assert (fast.status, fast.body, fast.headers) == (routed.status, routed.body, routed.headers)
    assert (b"content-type", b"application/json") in fast.headers


async def stored(engine: AsyncEngine, reference: str) -> dict[str, Any] | None:
    async with engine.connect() as conn:
        row = (await conn.execute(sa.select(sim_topups).where(sim_topups.c.reference == reference))).mappings()
        found = row.first()
    return dict(found) if found is not None else None


async def test_a_new_top_up_and_its_replay_are_answered_alike(apps: Apps, engine: AsyncEngine) -> None:
    body = top_up_json()
    fast = await call(apps.fast, body)
    assert fast.status == 200 and fast.json()["status"] == "succeeded"
    row = await stored(engine, fast.json()["reference"])
    assert row is not None and row["provider_ref"] == fast.json()["provider_ref"]
    assert_same(fast, await call(apps.routed, body))  # the route replays what the fast path applied
    assert_same(await call(apps.fast, body), await call(apps.routed, body))
    # and the other way round: the fast path replays what the route applied
    other = top_up_json()
    routed = await call(apps.routed, other)
    assert routed.status == 200
    assert_same(await call(apps.fast, other), routed)


@pytest.mark.parametrize(
    "body",
    [b"{", b"", b"not json", b"[]", b"null", b'{"reference": "x"}'],
    ids=["truncated", "empty", "not-json", "array", "null", "fields-missing"],
)
async def test_a_body_that_is_not_json_of_a_top_up_is_an_invalid_request(apps: Apps, body: bytes) -> None:
    fast = await call(apps.fast, body)
    assert (fast.status, fast.json()) == (400, INVALID_REQUEST)
    assert_same(fast, await call(apps.routed, body))


@pytest.mark.parametrize(
    "change",
    [{"amount": "200000"}, {"amount": 1.5}, {"reference": 7}, {"mobile": None}, {"operator_code": ["1"]}],
    ids=["amount-string", "amount-float", "reference-int", "mobile-null", "operator-list"],
)
async def test_a_field_of_the_wrong_type_is_an_invalid_request(apps: Apps, change: dict[str, Any]) -> None:
    body = top_up_json(**change)
    fast = await call(apps.fast, body)
    assert (fast.status, fast.json()) == (400, INVALID_REQUEST)
    assert_same(fast, await call(apps.routed, body))


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"ref": "has space"}, 400, "invalid_reference"),
        ({"number": "0912123"}, 400, "invalid_number"),
        ({"amount": 0}, 400, "invalid_amount"),
        ({"product": "no/slash"}, 400, "invalid_request"),
        ({"number": "09121230000"}, 200, "invalid_number"),  # a number ending 0000 fails definitely
    ],
    ids=["reference", "mobile", "amount", "product", "number-0000"],
)
async def test_refusals_and_failures_are_answered_alike(
    apps: Apps, fields: dict[str, Any], status: int, code: str
) -> None:
    body = top_up_json(**fields)
    fast = await call(apps.fast, body)
    assert (fast.status, fast.json()["status"], fast.json()["code"]) == (status, "failed", code)
    assert_same(fast, await call(apps.routed, body))


async def test_a_reference_sent_again_with_another_amount_is_a_conflict(apps: Apps, engine: AsyncEngine) -> None:
    ref, number = "fast-" + uuid.uuid4().hex, mobile()
    first = await call(apps.fast, top_up_json(ref, number, amount=100_000))
    assert first.status == 200
    changed = top_up_json(ref, number, amount=300_000)
    fast = await call(apps.fast, changed)
    assert (fast.status, fast.json()) == (409, {"reference": ref, "status": "failed", "code": "reference_conflict"})
    assert_same(fast, await call(apps.routed, changed))
    other_number = top_up_json(ref, mobile(), amount=100_000)
    assert_same(await call(apps.fast, other_number), await call(apps.routed, other_number))
    row = await stored(engine, ref)
    assert row is not None and (row["amount"], row["mobile"]) == (100_000, number)


async def test_lost_answers_are_answered_alike(apps: Apps, engine: AsyncEngine) -> None:
    applied_lost = top_up_json(number=mobile("0001"))
    fast = await call(apps.fast, applied_lost)
    assert (fast.status, fast.json()) == (504, {"code": "gateway_timeout"})
    assert await stored(engine, msgspec.json.decode(applied_lost)["reference"]) is not None
    dropped = top_up_json(number=mobile("0002"))
    fast = await call(apps.fast, dropped)
    assert (fast.status, fast.json()) == (504, {"code": "gateway_timeout"})
    assert_same(fast, await call(apps.routed, dropped))
    assert await stored(engine, msgspec.json.decode(dropped)["reference"]) is None


async def test_a_body_in_several_chunks_is_read_whole(apps: Apps) -> None:
    body = top_up_json()
    fast = await call(apps.fast, [body[:10], b"", body[10:25], body[25:]])
    assert fast.status == 200 and not fast.by_litestar
    assert_same(fast, await call(apps.routed, body))


async def test_a_failed_ledger_write_is_the_route_s_500(
    apps: Apps, simulator: OperatorSimulator, engine: AsyncEngine
) -> None:
    assert (await call(apps.fast, top_up_json())).status == 200  # the writer is running before the ledger goes
    async with engine.begin() as conn:
        await conn.execute(sa.text("ALTER TABLE sim_topups RENAME TO sim_topups_away"))
    try:
        fast = await call(apps.fast, top_up_json())
        routed = await call(apps.routed, top_up_json())
    finally:
        async with engine.begin() as conn:
            await conn.execute(sa.text("ALTER TABLE sim_topups_away RENAME TO sim_topups"))
    assert (fast.status, fast.json()) == (500, {"status_code": 500, "detail": "Internal Server Error"})
    assert_same(fast, routed)
    assert (await call(apps.fast, top_up_json())).status == 200


async def test_a_caller_gone_before_its_body_gets_no_answer_and_applies_nothing(
    apps: Apps, engine: AsyncEngine
) -> None:
    body = top_up_json()
    gone = await call(apps.fast, body, disconnect=True)
    assert (gone.status, gone.by_litestar) == (0, False)
    assert await stored(engine, msgspec.json.decode(body)["reference"]) is None


async def test_what_the_fast_path_does_not_take_is_litestar_s(apps: Apps) -> None:
    body = top_up_json()
    chunked = await call(apps.fast, body, content_length=False)  # no content-length: Litestar reads it
    assert chunked.by_litestar and chunked.status == 200
    reference = chunked.json()["reference"]
    assert_same(await call(apps.fast, body), await call(apps.routed, body))
    status = await call(apps.fast, b"", method="GET", path=f"/sim/topups/{reference}")
    assert status.by_litestar and (status.status, status.json()) == (200, chunked.json())
    number = msgspec.json.decode(body)["mobile"]
    listing = await call(apps.fast, b"", method="GET", path=f"/sim/topups?mobile={number}")
    assert listing.by_litestar and [r["reference"] for r in listing.json()] == [reference]
    wrong_method = await call(apps.fast, body, method="PUT")
    assert wrong_method.by_litestar and wrong_method.status == 405
    elsewhere = await call(apps.fast, body, path="/sim/topups/x/y")
    assert elsewhere.by_litestar and elsewhere.status in (404, 405)


async def test_the_lifespan_still_runs_the_shutdown_hooks(simulator: OperatorSimulator) -> None:
    closed: list[str] = []
    app = create_sim_app(simulator, on_shutdown=[lambda: closed.append("engine")])
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/health")).json() == {"status": "ok"}
        answer = await client.post("/sim/topups", content=top_up_json())
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        assert closed == []
    assert closed == ["engine"]

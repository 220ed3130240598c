"""The simulated operator's group commit: new top-ups queued together are written in one statement,
and the ledger still applies each reference at most once and answers each caller its own outcome.

Run on SQLite (the embedded portal's /sim) and on PostgreSQL (``kook operator-sim``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.tables.catalog import sim_topups
from kook.adapters.system.clock import SystemClock
from kook.sandbox.operator_sim import OperatorSimulator, SimAnswer, TopUpBody
from tests.integration.test_catalog_operator_contract import mobile, serve_simulator


@pytest.fixture
def inserts(engine: AsyncEngine) -> Iterator[list[str]]:
    """The INSERT statements sent to the ledger while the test runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SIM_TOPUPS"):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", record)


def body(ref: str | None = None, number: str | None = None, amount: int = 200_000) -> TopUpBody:
    return TopUpBody(
        reference=ref or "batch-" + uuid.uuid4().hex,
        mobile=number or mobile(),
        operator_code="1",
        product="airtime",
        amount=amount,
    )


async def stored(engine: AsyncEngine, references: list[str]) -> dict[str, dict[str, Any]]:
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(sim_topups).where(sim_topups.c.reference.in_(references)))).mappings()
        return {row["reference"]: dict(row) for row in rows}


def succeeded(answer: SimAnswer) -> bool:
    return answer.status_code == 200 and isinstance(answer.body, dict) and answer.body["status"] == "succeeded"


async def test_concurrent_new_top_ups_are_written_together_and_each_answered_its_own(
    simulator: OperatorSimulator, engine: AsyncEngine, inserts: list[str]
) -> None:
    bodies = [body() for _ in range(200)]
    answers = await asyncio.gather(*(simulator.top_up(b) for b in bodies))
    assert all(succeeded(a) for a in answers)
    rows = await stored(engine, [b.reference for b in bodies])
    assert len(rows) == 200
    for b, answer in zip(bodies, answers, strict=True):
        assert isinstance(answer.body, dict)
        assert answer.body["reference"] == b.reference
        assert answer.body["provider_ref"] == rows[b.reference]["provider_ref"]
        assert (rows[b.reference]["mobile"], rows[b.reference]["amount"]) == (b.mobile, b.amount)
    assert len({a.body["provider_ref"] for a in answers if isinstance(a.body, dict)}) == 200
    assert 1 <= len(inserts) <= 2  # group commit: one INSERT for what was queued, not one per top-up


async def test_one_reference_sent_fifty_times_at_once_applies_once_and_answers_the_same(
    simulator: OperatorSimulator, engine: AsyncEngine
) -> None:
    same = body()
    answers = await asyncio.gather(*(simulator.top_up(same) for _ in range(50)))
    assert all(succeeded(a) for a in answers)
    assert len({str(a.body) for a in answers}) == 1
    rows = await stored(engine, [same.reference])
    assert isinstance(answers[0].body, dict)
    assert rows[same.reference]["provider_ref"] == answers[0].body["provider_ref"]
    # and once it is in the ledger, fifty more at once are answered from it (the stored-row read)
    again = await asyncio.gather(*(simulator.top_up(same) for _ in range(50)))
    assert [a.body for a in again] == [answers[0].body] * 50
    assert len(await simulator.applied(same.mobile)) == 1


async def test_one_reference_with_other_amounts_at_once_applies_one_and_refuses_the_rest(
    simulator: OperatorSimulator, engine: AsyncEngine
) -> None:
    ref, number = "batch-" + uuid.uuid4().hex, mobile()
    bodies = [body(ref, number, amount=100_000 * (i + 1)) for i in range(10)]
    answers = await asyncio.gather(*(simulator.top_up(b) for b in bodies))
    winners = [b for b, a in zip(bodies, answers, strict=True) if succeeded(a)]
    assert len(winners) == 1
    refused = [a for a in answers if not succeeded(a)]
    assert len(refused) == 9
    assert all(
        a.status_code == 409 and a.body == {"reference": ref, "status": "failed", "code": "reference_conflict"}
        for a in refused
    )
    rows = await stored(engine, [ref])
    assert rows[ref]["amount"] == winners[0].amount
    assert [a["amount"] for a in await simulator.applied(number)] == [winners[0].amount]


async def test_a_failed_write_fails_its_callers_and_the_next_batch_is_written(
    simulator: OperatorSimulator, engine: AsyncEngine
) -> None:
    assert succeeded(await simulator.top_up(body()))  # the writer is running before the ledger goes away
    async with engine.begin() as conn:
        await conn.execute(sa.text("ALTER TABLE sim_topups RENAME TO sim_topups_away"))
    lost = [body() for _ in range(5)]
    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(simulator.top_up(b) for b in lost), return_exceptions=True), 15
        )
    finally:
        async with engine.begin() as conn:
            await conn.execute(sa.text("ALTER TABLE sim_topups_away RENAME TO sim_topups"))
    assert all(isinstance(r, sa.exc.DBAPIError) for r in results), results
    assert await stored(engine, [b.reference for b in lost]) == {}
    later = [body() for _ in range(5)]
    assert all(succeeded(a) for a in await asyncio.gather(*(simulator.top_up(b) for b in later)))
    assert len(await stored(engine, [b.reference for b in later])) == 5
    # a lost caller sending again is applied once, as if it had never been sent
    assert succeeded(await simulator.top_up(lost[0]))
    assert len(await stored(engine, [lost[0].reference])) == 1


async def test_closing_writes_what_is_queued_first(simulator: OperatorSimulator, engine: AsyncEngine) -> None:
    bodies = [body() for _ in range(20)]
    calls = [asyncio.create_task(simulator.top_up(b)) for b in bodies]
    await asyncio.sleep(0)  # every call has queued its row
    await simulator.aclose()
    answers = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 15)
    assert all(isinstance(a, SimAnswer) and succeeded(a) for a in answers), answers
    assert len(await stored(engine, [b.reference for b in bodies])) == 20
    assert succeeded(await simulator.top_up(body()))  # used again after closing: a new writer starts


def test_one_simulator_serves_one_event_loop_after_another(ledger_url: str) -> None:
    """As in tests and the portal's container: each loop gets its own writer (and its own connections)."""
    engine = create_async_engine(ledger_url, poolclass=NullPool)  # connections made on one loop stay there
    simulator = OperatorSimulator(make_session_factory(engine), SystemClock())
    first, second = body(), body()

    async def send(b: TopUpBody) -> SimAnswer:
        return await simulator.top_up(b)

    async def finish() -> dict[str, dict[str, Any]]:
        await simulator.aclose()
        found = await stored(engine, [first.reference, second.reference])
        await engine.dispose()
        return found

    assert succeeded(asyncio.run(send(first)))  # this loop ends without aclose: its writer is cancelled
    assert succeeded(asyncio.run(send(second)))
    assert asyncio.run(send(first)).body == asyncio.run(send(first)).body
    assert set(asyncio.run(finish())) == {first.reference, second.reference}


async def test_two_hundred_top_ups_over_http_at_once(ledger_url: str) -> None:
    with serve_simulator(ledger_url) as server:
        bodies = [body() for _ in range(200)]
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(base_url=server.base, timeout=30, limits=limits) as client:
            responses = await asyncio.gather(
                *(client.post("/topups", json={f: getattr(b, f) for f in b.__struct_fields__}) for b in bodies)
            )
        assert [r.status_code for r in responses] == [200] * 200
        engine = make_engine(ledger_url)
        try:
            rows = await stored(engine, [b.reference for b in bodies])
        finally:
            await engine.dispose()
        assert len(rows) == 200
        for b, response in zip(bodies, responses, strict=True):
            answer = response.json()
            assert (answer["reference"], answer["status"]) == (b.reference, "succeeded")
            assert answer["provider_ref"] == rows[b.reference]["provider_ref"]


async def test_a_kept_connection_that_died_while_idle_costs_no_caller_an_answer(migrated_pg: str) -> None:
    """PostgreSQL: the writer keeps one connection without pre-ping; a server that dropped it is met again."""
    engine = make_engine(migrated_pg)
    simulator = OperatorSimulator(make_session_factory(engine), SystemClock())
    try:
        assert succeeded(await simulator.top_up(body()))  # the writer now keeps its connection
        async with engine.connect() as conn:
            killed = (
                await conn.execute(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            ).scalar_one()
        assert killed >= 1
        after = [body() for _ in range(5)]
        answers = await asyncio.wait_for(asyncio.gather(*(simulator.top_up(b) for b in after)), 15)
        assert all(succeeded(a) for a in answers)
        assert len(await stored(engine, [b.reference for b in after])) == 5
    finally:
        await simulator.aclose()
        await engine.dispose()


async def test_batches_of_any_size_with_empty_columns_are_stored_as_answered(
    simulator: OperatorSimulator, engine: AsyncEngine, inserts: list[str]
) -> None:
    """Failed top-ups leave code set and provider_ref/applied_at empty, applied ones the other way round: batches
    of one kind only, of both, of several sizes are stored column for column as their callers were answered.
    On PostgreSQL every batch is the same statement, whatever its size."""
    only_failed = [body(number=mobile("0000"))]
    mixed = [body(number=mobile("0000") if i % 2 else None, amount=100_000 + i) for i in range(7)]
    only_applied = [body(amount=100_000 + i) for i in range(60)]
    for batch in (only_failed, mixed, only_applied, [body()]):
        answers = await asyncio.gather(*(simulator.top_up(b) for b in batch))
        rows = await stored(engine, [b.reference for b in batch])
        assert len(rows) == len(batch)
        for b, answer in zip(batch, answers, strict=True):
            row = rows[b.reference]
            assert (row["mobile"], row["operator_code"], row["product"], row["amount"]) == (
                b.mobile,
                b.operator_code,
                b.product,
                b.amount,
            )
            assert row["created_at"].tzinfo is not None
            if b.mobile.endswith("0000"):
                assert (answer.status_code, answer.body) == (
                    200,
                    {"reference": b.reference, "status": "failed", "code": "invalid_number"},
                )
                assert (row["status"], row["code"], row["provider_ref"], row["applied_at"]) == (
                    "failed",
                    "invalid_number",
                    None,
                    None,
                )
            else:
                assert succeeded(answer) and isinstance(answer.body, dict)
                assert (row["status"], row["code"]) == ("applied", None)
                assert answer.body["provider_ref"] == row["provider_ref"]
                assert answer.body["applied_at"] == row["applied_at"].isoformat()
    assert len(inserts) >= 4
    if engine.dialect.name == "postgresql":
        assert len(set(inserts)) == 1  # one statement shape for every batch size


async def test_a_known_reference_in_a_batch_is_answered_as_stored(
    simulator: OperatorSimulator, engine: AsyncEngine
) -> None:
    """A batch mixing new references with one already in the ledger (applied) and one stored as failed: the new
    ones are inserted, the known ones are not touched and answer their stored outcome — or 409 when changed."""
    applied_before, failed_before = body(), body(number=mobile("0000"))
    first = await simulator.top_up(applied_before)
    await simulator.top_up(failed_before)
    before = await stored(engine, [applied_before.reference, failed_before.reference])
    changed = body(applied_before.reference, applied_before.mobile, amount=applied_before.amount + 1)
    new = [body() for _ in range(5)]
    batch = [new[0], applied_before, new[1], changed, failed_before, *new[2:]]
    answers = await asyncio.gather(*(simulator.top_up(b) for b in batch))
    by_body = dict(zip((id(b) for b in batch), answers, strict=True))
    assert by_body[id(applied_before)] == first
    assert by_body[id(changed)] == SimAnswer(
        409, {"reference": applied_before.reference, "status": "failed", "code": "reference_conflict"}
    )
    assert by_body[id(failed_before)] == SimAnswer(
        200, {"reference": failed_before.reference, "status": "failed", "code": "invalid_number"}
    )
    rows = await stored(engine, [b.reference for b in batch])
    assert {ref: rows[ref] for ref in before} == before  # the known rows are as they were
    assert all(succeeded(by_body[id(b)]) for b in new)
    for b in new:
        answer = by_body[id(b)]
        assert isinstance(answer.body, dict) and answer.body["provider_ref"] == rows[b.reference]["provider_ref"]
    assert len(rows) == 7

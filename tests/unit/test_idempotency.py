"""Idempotency-Key rules with an in-memory store: the kept answer replays, another request under the same
key is refused, a key still being answered is a conflict, a failed call leaves the key free."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from kook.application.shared.idempotency import IdempotencyKeyInUse, IdempotencyKeyReused, IdempotentCalls
from kook.application.shared.ports import IdempotencyStore, IdempotentCall, StoredAnswer
from kook.domain.shared.errors import ValidationFailed
from tests.fakes.clock import FakeClock


class MemoryStore(IdempotencyStore):
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], StoredAnswer] = {}

    async def reserve(self, call: IdempotentCall, now: datetime) -> StoredAnswer | None:
        found = self.rows.get((call.owner, call.key))
        if found is None:
            self.rows[(call.owner, call.key)] = StoredAnswer(call.method_path, call.body_hash, None, None)
        return found

    async def complete(self, call: IdempotentCall, status_code: int, body: str) -> None:
        self.rows[(call.owner, call.key)] = replace(
            self.rows[(call.owner, call.key)], status_code=status_code, body=body
        )

    async def release(self, call: IdempotentCall) -> None:
        if self.rows.get((call.owner, call.key), StoredAnswer("", "", 0, "")).status_code is None:
            del self.rows[(call.owner, call.key)]


CALL = IdempotentCall("user", "k1", "POST /api/v1/wallet/payments", "h1")


async def test_the_first_answer_is_replayed_and_another_request_is_refused() -> None:
    calls = IdempotentCalls(MemoryStore(), FakeClock())
    assert await calls.begin(CALL) is None
    with pytest.raises(IdempotencyKeyInUse):
        await calls.begin(CALL)  # still being answered
    await calls.finish(CALL, 201, '{"payment_id": "p"}')
    replay = await calls.begin(CALL)
    assert replay is not None and (replay.status_code, replay.body) == (201, '{"payment_id": "p"}')
    with pytest.raises(IdempotencyKeyReused):
        await calls.begin(replace(CALL, body_hash="h2"))
    with pytest.raises(IdempotencyKeyReused):
        await calls.begin(replace(CALL, method_path="POST /api/v1/requests/x/confirm"))
    assert await calls.begin(replace(CALL, owner="someone else")) is None  # keys are per caller


async def test_a_failed_call_frees_its_key_and_long_keys_are_refused() -> None:
    calls = IdempotentCalls(MemoryStore(), FakeClock())
    assert await calls.begin(CALL) is None
    await calls.abandon(CALL)
    assert await calls.begin(replace(CALL, body_hash="other")) is None
    with pytest.raises(ValidationFailed) as caught:
        await calls.begin(replace(CALL, key="k" * 201))
    assert caught.value.fields == {"Idempotency-Key": "too_long"}
    assert await calls.begin(replace(CALL, key="k" * 200)) is None

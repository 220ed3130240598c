"""``Idempotency-Key`` on writes that move money (API.md): the first answer for (caller, key) is kept.

The same key with the same request (method, path, body) answers the kept
response and does nothing again; the same key with another request is
``idempotency_key_reused``; a key still being answered is a conflict. A call
that fails leaves nothing behind (the key can be used again, e.g. after the
wallet was topped up).
"""

from __future__ import annotations

from typing import Final

from kook.application.shared.ports import Clock, IdempotencyStore, IdempotentCall, StoredAnswer
from kook.domain.shared.errors import Conflict, DomainError, ValidationFailed

MAX_KEY: Final = 200


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"


def check_key(key: str) -> str:
    if not key.strip():
        raise ValidationFailed({"Idempotency-Key": "required"})
    if len(key) > MAX_KEY:
        raise ValidationFailed({"Idempotency-Key": "too_long"})
    return key


class IdempotentCalls:
    def __init__(self, store: IdempotencyStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def begin(self, call: IdempotentCall) -> StoredAnswer | None:
        """None: go on and answer (then ``finish`` or ``abandon``); else the kept answer to replay."""
        check_key(call.key)
        stored = await self._store.reserve(call, self._clock.now())
        if stored is None:
            return None
        if (stored.method_path, stored.body_hash) != (call.method_path, call.body_hash):
            raise IdempotencyKeyReused()
        if stored.status_code is None or stored.body is None:
            raise IdempotencyKeyInUse()
        return stored

    async def finish(self, call: IdempotentCall, status_code: int, body: str) -> None:
        await self._store.complete(call, status_code, body)

    async def abandon(self, call: IdempotentCall) -> None:
        await self._store.release(call)

"""``Idempotency-Key`` for the JSON API's money-moving writes: a helper the handlers call, not a middleware.

Without the header the call simply runs. With it, the first successful answer
for (caller, key) is kept; the same request again gets that answer back
(``Idempotent-Replayed: true``) and nothing runs twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from litestar import Request, Response

from kook.application.shared.idempotency import IdempotentCalls
from kook.application.shared.ports import IdempotentCall
from kook.entrypoints.http.context import resolve

T = TypeVar("T")
HEADER = "Idempotency-Key"


def body_hash(body: bytes) -> str:
    """The body's hash; a JSON body is hashed in a canonical form (key order and spacing do not matter)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


async def idempotent(
    request: Request[Any, Any, Any],
    owner: str,
    run: Callable[[], Awaitable[T]],
    out_type: type[T],
    status_code: int,
) -> Response[T]:
    key = request.headers.get(HEADER)
    if key is None:
        return Response(await run(), status_code=status_code)
    call = IdempotentCall(owner, key, f"{request.method} {request.url.path}", body_hash(await request.body()))
    calls = await resolve(request, IdempotentCalls)
    stored = await calls.begin(call)
    if stored is not None:
        assert stored.status_code is not None and stored.body is not None
        return Response(
            msgspec.json.decode(stored.body, type=out_type),
            status_code=stored.status_code,
            headers={"Idempotent-Replayed": "true"},
        )
    try:
        result = await run()
    except BaseException:
        await calls.abandon(call)
        raise
    await calls.finish(call, status_code, msgspec.json.encode(result).decode())
    return Response(result, status_code=status_code)

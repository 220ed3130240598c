"""The ledger idempotency keys of a request's money (shared by confirming, starting and cancelling)."""

from __future__ import annotations


def hold_key(request_id: str) -> str:
    return f"request:{request_id}:hold"


def release_key(request_id: str) -> str:
    return f"request:{request_id}:release"

"""The SQL idempotency store on both databases: one reservation per (owner, key), a finished answer kept,
a failed call's key freed, and a reservation whose call died given up after a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.idempotency_store import SqlIdempotencyStore
from kook.application.shared.ports import IdempotentCall
from kook.entrypoints.settings import Settings

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def settings(settings_factory: Any) -> Settings:
    built: Settings = settings_factory()
    return built


async def test_reservations_answers_and_abandoned_keys(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    store = SqlIdempotencyStore(make_session_factory(engine))
    call = IdempotentCall("user-1", "key-1", "POST /api/v1/wallet/payments", "h1")
    try:
        assert await store.reserve(call, T0) is None
        running = await store.reserve(call, T0 + timedelta(minutes=1))
        assert running is not None and running.status_code is None  # still being answered
        assert await store.reserve(IdempotentCall("user-2", "key-1", "POST /x", "h"), T0) is None  # per owner

        taken_over = await store.reserve(call, T0 + timedelta(minutes=6))  # its call died: given up
        assert taken_over is None
        await store.complete(call, 201, '{"id": "p1"}')
        kept = await store.reserve(call, T0 + timedelta(days=1))
        assert kept is not None and (kept.status_code, kept.body) == (201, '{"id": "p1"}')

        failed = IdempotentCall("user-1", "key-2", "POST /api/v1/wallet/payments", "h2")
        assert await store.reserve(failed, T0) is None
        await store.release(failed)
        assert await store.reserve(failed, T0) is None  # a failed call leaves nothing behind
    finally:
        await engine.dispose()

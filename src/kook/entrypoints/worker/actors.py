"""Dramatiq actors: thin and idempotent (ids in, one use case call)."""

from __future__ import annotations

from dishka import FromDishka

from kook.application.identity.purge_expired import PurgeExpiredIdentityData
from kook.application.wallet.payments import ExpireStalePayments
from kook.entrypoints.worker.broker import kook_actor


@kook_actor("identity.purge_expired", max_retries=3, time_limit=300_000)
async def purge_expired(purge: FromDishka[PurgeExpiredIdentityData]) -> None:
    await purge()


@kook_actor("wallet.expire_payments", max_retries=3, time_limit=600_000)
async def expire_payments(expire: FromDishka[ExpireStalePayments]) -> None:
    await expire()

"""Readiness: do the database and Redis answer? Used by ``GET /ready`` and ``kook ready`` (compose's checks)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import sqlalchemy as sa
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class Readiness:
    database: str  # "ok" or "failed"
    redis: str  # "ok", "failed", or "none" (no Redis configured: the embedded default)

    @property
    def ready(self) -> bool:
        return "failed" not in (self.database, self.redis)


async def check_ready(engine: AsyncEngine, redis: Redis | None) -> Readiness:
    database = "ok"
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS), engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except Exception:
        database = "failed"
    redis_state = "none"
    if redis is not None:
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                await redis.ping()
            redis_state = "ok"
        except Exception:
            redis_state = "failed"
    return Readiness(database, redis_state)

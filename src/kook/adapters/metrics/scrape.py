"""The scrape-time figures of ``/metrics``: cheap reads of the database and the broker."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
import structlog
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.adapters.metrics.prometheus import ScrapeFigures

log = structlog.get_logger(__name__)

# Dramatiq's Redis broker keeps each queue as a list ``<namespace>:<queue>`` (and delayed messages in
# ``<queue>.DQ``); the namespace is ``kook`` (entrypoints/worker/broker.py).
# ``<queue>.XQ``, the dead letters, is a sorted set.
QUEUES = ("default", "default.DQ", "fulfilment", "fulfilment.DQ")
DEAD = ("default.XQ", "fulfilment.XQ")
TIMEOUT_SECONDS = 2.0


async def scrape(engine: AsyncEngine, redis: Redis | None, namespace: str = "kook") -> ScrapeFigures:
    figures = ScrapeFigures()
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS), engine.connect() as connection:
            money = sa.text("SELECT coalesce(sum(held), 0), coalesce(sum(available), 0) FROM wallets")
            held, available = (await connection.execute(money)).one()
            figures.held, figures.available = int(held), int(available)
            rows = await connection.execute(sa.text("SELECT status, count(*) FROM payments GROUP BY status"))
            figures.payments = {str(status): int(count) for status, count in rows}
            figures.lines_sending = int(
                (
                    await connection.execute(sa.text("SELECT count(*) FROM request_lines WHERE status = 'sending'"))
                ).scalar_one()
            )
    except Exception:
        log.warning("metrics_database_unavailable", exc_info=True)
        figures.failed.append("database")
    if redis is not None:
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                async with redis.pipeline(transaction=False) as pipe:
                    for queue in QUEUES:
                        pipe.llen(f"{namespace}:{queue}")
                    for queue in DEAD:
                        pipe.zcard(f"{namespace}:{queue}")
                    depths = await pipe.execute()
            figures.queues = {queue: int(depth) for queue, depth in zip((*QUEUES, *DEAD), depths, strict=True)}
        except Exception:
            log.warning("metrics_redis_unavailable", exc_info=True)
            figures.failed.append("redis")
    return figures

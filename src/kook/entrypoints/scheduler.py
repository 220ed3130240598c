"""The scheduler: enqueues periodic work. Any number may run at once (compose.yaml runs two): with Redis each
job's period is claimed (``RedisSchedulerClaims``), so each job is enqueued once per period whichever scheduler
is first; under ``kook serve`` it is one background task of the portal and claims nothing."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Protocol

import structlog

from kook.application.shared.ports import Dispatcher
from kook.entrypoints.settings import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    actor: str
    every_seconds: int


JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("identity.purge_expired", 600),
    PeriodicJob("wallet.expire_payments", 120),
    PeriodicJob("fulfilment.sweep", 15),
    PeriodicJob("fulfilment.check_unknown", 5),
    PeriodicJob("requests.start_due", 30),
    PeriodicJob("calendar.remind", 30),
    PeriodicJob("messaging.low_balance", 60),
    PeriodicJob("reports.purge_exports", 600),
    PeriodicJob("webhooks.send", 2),
    PeriodicJob("reports.fold_totals", 10),
)

# A scheduler that found a job claimed by another asks again this often (the other's claim lasts the job's period;
# the first to ask after it ends takes the next period).
RECHECK_SECONDS = 1.0


class JobClaims(Protocol):
    async def claim(self, actor: str, period_seconds: float) -> bool: ...
    async def release(self, actor: str) -> bool: ...


def jobs_for(settings: Settings) -> tuple[PeriodicJob, ...]:
    """The jobs, with the fulfilment periods the settings choose."""
    periods = {
        "fulfilment.sweep": settings.fulfilment.sweep_every_seconds,
        "fulfilment.check_unknown": settings.fulfilment.check_every_seconds,
        "webhooks.send": settings.webhook.send_every_seconds,
    }
    return tuple(PeriodicJob(job.actor, periods.get(job.actor, job.every_seconds)) for job in JOBS)


async def run_scheduler(
    dispatcher: Dispatcher,
    stop: asyncio.Event,
    jobs: tuple[PeriodicJob, ...] = JOBS,
    tick: float = 1.0,
    claims: JobClaims | None = None,
) -> None:
    """Enqueue each job when due until ``stop`` is set. With ``claims``, only when this scheduler claimed the job's
    period; a claim it cannot act on (the enqueue failed, or the stop came first) is released."""
    due = {job.actor: time.monotonic() for job in jobs}
    log.info("scheduler_started", jobs=[job.actor for job in jobs], claims=claims is not None)
    while not stop.is_set():
        now = time.monotonic()
        for job in jobs:
            if stop.is_set():
                break
            if now < due[job.actor]:
                continue
            if claims is not None:
                try:
                    claimed = await claims.claim(job.actor, job.every_seconds)
                except Exception:
                    log.warning("scheduler_claim_failed", actor=job.actor, exc_info=True)
                    due[job.actor] = now + RECHECK_SECONDS
                    continue
                if not claimed:  # another scheduler has this period
                    due[job.actor] = now + min(RECHECK_SECONDS, job.every_seconds)
                    continue
                if stop.is_set():  # asked to stop between claiming and enqueueing: give the period back
                    await _release(claims, job.actor)
                    break
            try:
                dispatcher.dispatch(job.actor)
            except Exception:
                log.exception("scheduler_dispatch_failed", actor=job.actor)
                if claims is not None:  # let whichever scheduler is next try this period again
                    await _release(claims, job.actor)
                    due[job.actor] = now + RECHECK_SECONDS
                    continue
            due[job.actor] = now + job.every_seconds
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=tick)
    log.info("scheduler_stopped")


async def _release(claims: JobClaims, actor: str) -> None:
    try:
        await claims.release(actor)
    except Exception:  # it expires at the end of the period anyway
        log.warning("scheduler_release_failed", actor=actor, exc_info=True)

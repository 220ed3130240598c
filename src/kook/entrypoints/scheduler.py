"""The scheduler: enqueues periodic work. Exactly one runs (compose.yaml);
under ``kook serve`` it is a background task of the portal."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

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


def jobs_for(settings: Settings) -> tuple[PeriodicJob, ...]:
    """The jobs, with the fulfilment periods the settings choose."""
    periods = {
        "fulfilment.sweep": settings.fulfilment.sweep_every_seconds,
        "fulfilment.check_unknown": settings.fulfilment.check_every_seconds,
        "webhooks.send": settings.webhook.send_every_seconds,
    }
    return tuple(PeriodicJob(job.actor, periods.get(job.actor, job.every_seconds)) for job in JOBS)


async def run_scheduler(
    dispatcher: Dispatcher, stop: asyncio.Event, jobs: tuple[PeriodicJob, ...] = JOBS, tick: float = 1.0
) -> None:
    due = {job.actor: time.monotonic() for job in jobs}
    log.info("scheduler_started", jobs=[job.actor for job in jobs])
    while not stop.is_set():
        now = time.monotonic()
        for job in jobs:
            if now >= due[job.actor]:
                try:
                    dispatcher.dispatch(job.actor)
                except Exception:
                    log.exception("scheduler_dispatch_failed", actor=job.actor)
                due[job.actor] = now + job.every_seconds
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=tick)
    log.info("scheduler_stopped")

"""A reminder (message and SMS) ``reminder_before`` a run whose wallet cannot fund it; once per run."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog

from kook.application.recharges.ports import REMINDER, RunNote, SchedulesUnitOfWork
from kook.application.recharges.run_notices import RunNotices
from kook.application.recharges.runs_action import BATCH, RunsConfig
from kook.application.recharges.texts import run_reminder
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.domain.recharges.request import RequestStatus

log = structlog.get_logger(__name__)


class RemindShortRuns:
    """A reminder (message and SMS) ``reminder_before`` a run whose wallet cannot fund it; once per run."""

    def __init__(self, uow: SchedulesUnitOfWork, clock: Clock, notifier: CustomerNotifier, config: RunsConfig) -> None:
        self._uow = uow
        self._clock = clock
        self._notices = RunNotices(uow, clock, notifier)
        self._config = config

    async def __call__(self) -> int:
        if self._config.reminder_before <= timedelta(0):
            return 0
        now = self._clock.now()
        async with self._uow as uow:
            candidates = await uow.schedules.reminder_due(now, now + self._config.reminder_before, BATCH)
        told = 0
        for request_id, customer_id in candidates:
            try:
                note = await self._note(request_id, customer_id, now)
            except Exception:
                log.warning("run_reminder_failed", request_id=request_id, exc_info=True)
                continue
            if note is not None and await self._notices.tell(note):
                told += 1
        return told

    async def _note(self, request_id: str, customer_id: str, now: datetime) -> RunNote | None:
        async with self._uow as uow:
            template = await uow.requests.get(request_id, customer_id)
            if template is None or template.status is not RequestStatus.SCHEDULED or template.next_run_at is None:
                return None
            if template.due_run_skipped:
                return None
            total = sum(p.total for p in await uow.lines.totals(template.id))
            wallet = await uow.ledger.wallet(customer_id)
            available = wallet.available if wallet is not None else 0
            if available >= total:
                return None  # asked again on the next pass, until the run: the wallet may drop
            number = template.runs_started + 1
            title, body, sms = run_reminder(template.name, number, template.next_run_at, total, available)
            note = RunNote(
                template.id, template.next_run_at, REMINDER, customer_id, number, total, available, title, body, sms
            )
            if not await uow.schedules.note(note, now, claim=True):
                return None  # another scheduler took it on
            await uow.commit()
            return note

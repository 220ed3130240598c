"""Tells a claimed run notice (portal message and SMS), then marks it told."""

from __future__ import annotations

import structlog

from kook.application.recharges.ports import RunNote, SchedulesUnitOfWork
from kook.application.shared.ports import Clock, CustomerNotifier

log = structlog.get_logger(__name__)


class RunNotices:
    """Tells a claimed run notice (portal message and SMS), then marks it told."""

    def __init__(self, uow: SchedulesUnitOfWork, clock: Clock, notifier: CustomerNotifier) -> None:
        self._uow = uow
        self._clock = clock
        self._notifier = notifier

    async def tell(self, note: RunNote) -> bool:
        try:
            await self._notifier.notify(
                note.customer_id, kind=f"request_run_{note.kind}", title=note.title, body=note.body, sms=note.sms
            )
        except Exception:  # the claim's lease runs out and the next pass tells it
            log.warning("run_notice_failed", request_id=note.parent_id, kind=note.kind, exc_info=True)
            return False
        async with self._uow as uow:
            await uow.schedules.mark_sent(note, self._clock.now())
            await uow.commit()
        return True

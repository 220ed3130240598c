"""Notices whose teller died before telling (its claim's lease ran out): claimed again and told."""

from __future__ import annotations

from kook.application.recharges.ports import SchedulesUnitOfWork
from kook.application.recharges.run_notices import RunNotices
from kook.application.recharges.runs_action import BATCH, RunsConfig
from kook.application.shared.ports import Clock, CustomerNotifier


class DeliverRunNotices:
    """Notices whose teller died before telling (its claim's lease ran out): claimed again and told."""

    def __init__(self, uow: SchedulesUnitOfWork, clock: Clock, notifier: CustomerNotifier, config: RunsConfig) -> None:
        self._uow = uow
        self._clock = clock
        self._notices = RunNotices(uow, clock, notifier)
        self._config = config

    async def __call__(self) -> int:
        async with self._uow as uow:
            claimed = await uow.schedules.claim_unsent(self._clock.now(), self._config.notice_lease, BATCH)
            await uow.commit()
        told = 0
        for note in claimed:
            told += await self._notices.tell(note)
        return told

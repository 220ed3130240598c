"""What the run-changing use cases share: the runs' settings and the locked schedule of one request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from kook.application.recharges.owned_request import owned_request
from kook.application.recharges.ports import SchedulesUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.recharges.request import Request

BATCH: Final = 100


@dataclass(frozen=True, slots=True)
class RunsConfig:
    reminder_before: timedelta = timedelta(hours=24)  # zero: no reminders
    notice_lease: timedelta = timedelta(minutes=5)  # a teller that took a notice on this long ago died


class RunsAction:
    def __init__(self, uow: SchedulesUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def _change(
        self, request_id: str, customer_id: str, action: str, change: Callable[[Request, datetime], object]
    ) -> Request:
        async with self._uow as uow:
            request = await owned_request(uow, request_id, customer_id, lock=True)
            before = request.status.value
            changed = change(request, self._clock.now())
            if changed is not False:
                await uow.requests.save(request)
                after: dict[str, object] = {"status": request.status.value}
                if request.repeat is not None:
                    after["repeat"] = request.repeat.to_json()
                await uow.audit.record(
                    actor=customer_id, action=action, subject=request.id, before={"status": before}, after=after
                )
                await uow.commit()
            return request

"""``requests.start_due`` (every 30 s): scheduled requests whose time came start (SPEC §7).

- A one-off scheduled request (its total held at confirmation) becomes confirmed
  and its runs are dispatched.
- A repeating request is a template: each due occurrence becomes its own request
  (a copy of the template's valid lines, ``parent_id`` and ``run_number`` set)
  that holds its own total under the wallet lock and starts like a confirmed
  request. An occurrence that cannot be funded does not start: the customer is
  told (portal message and SMS) and the next occurrence is planned.

Safe with several schedulers and workers at once: the wallet and the request
row are locked (in that order) and the request must still be due under the
lock; a run is unique per (template, occurrence) in the database as well.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog

from kook.application.recharges.ledger_keys import hold_key
from kook.application.recharges.ports import NOT_FUNDED, SKIPPED, FulfilmentStarter, RunNote, SchedulesUnitOfWork
from kook.application.recharges.run_notices import RunNotices
from kook.application.recharges.texts import run_not_funded
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock, CustomerNotifier
from kook.domain.recharges.request import MAX_NAME, Request, RequestStatus
from kook.domain.shared.ids import new_id

log = structlog.get_logger(__name__)


BATCH = 100


def run_name(name: str, number: int) -> str:
    suffix = f" — اجرای {number}"
    return f"{name[: MAX_NAME - len(suffix)]}{suffix}"


@dataclass(frozen=True, slots=True)
class _Started:
    request_id: str


@dataclass(frozen=True, slots=True)
class _NotFunded:
    note: RunNote


class StartDueRequests:
    def __init__(
        self,
        uow: SchedulesUnitOfWork,
        poster: LedgerPoster,
        clock: Clock,
        fulfilment: FulfilmentStarter,
        notifier: CustomerNotifier,
    ) -> None:
        self._uow = uow
        self._poster = poster
        self._clock = clock
        self._fulfilment = fulfilment
        self._notices = RunNotices(uow, clock, notifier)

    async def __call__(self) -> dict[str, int]:
        async with self._uow as uow:
            due = await uow.schedules.due(self._clock.now(), BATCH)
        counts = {"started": 0, "not_funded": 0}
        for request_id, customer_id in due:
            try:
                outcome = await self._start(request_id, customer_id)
            except Exception:  # another process made the same run, or the database hiccuped: next pass
                log.warning("scheduled_start_failed", request_id=request_id, exc_info=True)
                continue
            if isinstance(outcome, _Started):
                counts["started"] += 1
                self._fulfilment.start(outcome.request_id)
            elif isinstance(outcome, _NotFunded):
                counts["not_funded"] += 1
                await self._notices.tell(outcome.note)
        return counts

    async def _start(self, request_id: str, customer_id: str) -> _Started | _NotFunded | None:
        async with self._uow as uow:
            wallet = await self._poster.lock_wallet(uow.ledger, customer_id)
            request = await uow.requests.get(request_id, customer_id, for_update=True)
            now = self._clock.now()
            if request is None or not request.due(now):
                return None  # started by another process meanwhile, or cancelled
            if not request.repeating:
                request.release_due(now)
                await uow.requests.save(request)
                await uow.audit.record(actor="system", action="request.started", subject=request.id)
                await uow.commit()
                return _Started(request.id)
            template = request
            number = template.runs_started + 1
            run_at = template.next_run_at
            assert run_at is not None
            if await uow.schedules.run_of(template.id, number) is not None:
                template.plan_next(now)  # made already: only plan the next one
                await uow.requests.save(template)
                await uow.commit()
                return None
            if template.due_run_skipped:
                template.plan_next(now)
                await uow.requests.save(template)
                await uow.schedules.note(RunNote(template.id, run_at, SKIPPED, customer_id, number), now, claim=False)
                await uow.audit.record(
                    actor="system", action="request.run_skipped", subject=template.id, after={"run": number}
                )
                await uow.commit()
                return None
            total = sum(p.total for p in await uow.lines.totals(template.id))
            if wallet.available < total:
                template.plan_next(now)
                await uow.requests.save(template)
                title, body, sms = run_not_funded(
                    template.name, number, run_at, total, wallet.available, template.next_run_at
                )
                note = RunNote(
                    template.id, run_at, NOT_FUNDED, customer_id, number, total, wallet.available, title, body, sms
                )
                told = await uow.schedules.note(note, now, claim=True)
                await uow.audit.record(
                    actor="system",
                    action="request.run_not_funded",
                    subject=template.id,
                    after={"run": number, "total": total, "available": wallet.available},
                )
                await uow.commit()
                return _NotFunded(note) if told else None
            run = Request(
                id=new_id(),
                customer_id=customer_id,
                name=run_name(template.name, number),
                kind=template.kind,
                status=RequestStatus.DRAFT,
                created_at=now,
                updated_at=now,
                parent_id=template.id,
                run_number=number,
            )
            await uow.requests.add(run)
            await uow.schedules.copy_lines(template, run, now)
            await self._poster.hold(uow.ledger, customer_id, total, key=hold_key(run.id), memo=f"request {run.id}")
            run.confirm(total, now)
            await uow.requests.save(run)
            template.plan_next(now)
            await uow.requests.save(template)
            await uow.audit.record(
                actor="system", action="request.run_started", subject=template.id, after={"run": number, "id": run.id}
            )
            await uow.commit()
            return _Started(run.id)

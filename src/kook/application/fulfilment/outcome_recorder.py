"""Carrying out confirmed requests (SPEC §8): claim, send, record — exactly once, whatever fails."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from kook.application.fulfilment.answers import Answered
from kook.application.fulfilment.ports import FulfilmentConfig, FulfilmentUnitOfWork
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock, Telemetry
from kook.domain.recharges.fulfilment import LineChange, LineState, decide, money_of, resolve_by_staff
from kook.domain.recharges.line import LineStatus
from kook.domain.recharges.request import IN_FULFILMENT
from kook.domain.shared.ids import new_id
from kook.domain.wallet.ledger import operator_account

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Recorded:
    changed: int
    finished: bool
    back_to_waiting: int


class OutcomeRecorder:
    def __init__(
        self,
        uow: FulfilmentUnitOfWork,
        poster: LedgerPoster,
        clock: Clock,
        config: FulfilmentConfig,
        telemetry: Telemetry,
    ) -> None:
        self._uow = uow
        self._poster = poster
        self._clock = clock
        self._config = config
        self._telemetry = telemetry

    async def record(
        self,
        request_id: str,
        answers: Sequence[Answered],
        *,
        staff: str | None = None,
        resolutions: Sequence[tuple[int, bool]] = (),
    ) -> Recorded:
        """Apply ``answers`` (or staff's ``resolutions``: line id, succeeded) of one request's lines, in one
        transaction; a resolution of a line no longer unknown raises (checked under the lock)."""
        async with self._uow as uow:
            request = await uow.work.request(request_id)
            if request is None:
                return Recorded(0, False, 0)
            await self._poster.lock_wallet(uow.ledger, request.customer_id)
            request = await uow.work.request(request_id, for_update=True)
            assert request is not None
            now = self._clock.now()
            changes: list[LineChange] = []
            if resolutions:
                locked = {s.id: s for s in await uow.work.lock_states(sorted({i for i, _ in resolutions}))}
                for line_id, succeeded in resolutions:
                    state = locked.get(line_id)
                    if state is not None and state.request_id == request_id:
                        changes.append(resolve_by_staff(state, succeeded, now))
            if answers:
                states = {s.id: s for s in await uow.work.lock_states(sorted({a.line_id for a in answers}))}
                for item in answers:
                    state = states.get(item.line_id)
                    if state is None or state.request_id != request_id:
                        continue
                    change = decide(
                        state, item.answer, now, self._config.policy, code=item.code, provider_ref=item.provider_ref
                    )
                    if change is not None:
                        changes.append(change)
                        states[item.line_id] = _after(state, change)
            if changes:
                await uow.work.apply(changes, resolved_by=staff)
                moves = money_of(changes)
                batch = new_id()
                for operator, amount in sorted(moves.settle_by_operator.items()):
                    await self._poster.settle(
                        uow.ledger,
                        request.customer_id,
                        amount,
                        operator_account(operator),
                        key=f"request:{request.id}:settle:{batch}:{operator}",
                        memo=f"request {request.id}",
                    )
                if moves.release:
                    await self._poster.release(
                        uow.ledger,
                        request.customer_id,
                        moves.release,
                        key=f"request:{request.id}:release:{batch}",
                        memo=f"request {request.id}",
                    )
                request.account(moves.settled, moves.release, now)
            final = [c for c in changes if c.status in (LineStatus.SUCCEEDED, LineStatus.FAILED)]
            if final:  # webhooks (outbox): written with the outcomes, so none is told that did not happen
                await uow.webhooks.record(
                    request.customer_id,
                    "line.outcome",
                    [
                        {
                            "request_id": request.id,
                            "line_id": str(c.id),
                            "status": c.status,
                            "operator": c.operator,
                            "price": c.price,
                            "code": c.code,
                        }
                        for c in final
                    ],
                )
            finished = False
            if request.status in IN_FULFILMENT and await uow.work.open_count(request.id) == 0:
                failed = await uow.work.count_status(request.id, LineStatus.FAILED)
                request.finish(failed > 0, now)
                finished = True
                if request.held:
                    log.error("request_finished_with_money_held", request_id=request.id, held=request.held)
                await uow.webhooks.record(
                    request.customer_id,
                    "request.finished",
                    [
                        {
                            "request_id": request.id,
                            "name": request.name,
                            "status": request.status.value,
                            "succeeded": await uow.work.count_status(request.id, LineStatus.SUCCEEDED),
                            "failed": failed,
                            "settled": request.settled,
                            "released": request.released,
                        }
                    ],
                )
            if changes or finished:
                await uow.requests.save(request)
                if staff is not None:
                    for change in changes:
                        await uow.audit.record(
                            actor=staff,
                            action="line.resolved",
                            subject=f"line:{change.id}",
                            after={"status": change.status, "request": request.id, "price": change.price},
                        )
                await uow.commit()
                outcomes: dict[str, int] = defaultdict(int)
                for change in changes:
                    outcomes[change.status] += 1
                self._telemetry.lines_changed(outcomes)
            back = sum(1 for c in changes if c.status == LineStatus.VALID)
            return Recorded(len(changes), finished, back)


def _after(state: LineState, change: LineChange) -> LineState:
    return LineState(
        id=state.id,
        request_id=state.request_id,
        status=change.status,
        attempt=state.attempt,
        price=state.price,
        operator=state.operator,
        checks=change.checks,
        unknown_since=change.unknown_since,
    )

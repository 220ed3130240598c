"""What a customer sees of a running request, and finance's queue of unknown outcomes."""

from __future__ import annotations

from kook.application.fulfilment.ports import FulfilmentUnitOfWork, Progress, UnknownLine
from kook.application.fulfilment.run import FinishNotice, OutcomeRecorder
from kook.application.shared.ports import Clock
from kook.domain.recharges.fulfilment import (
    FAILED,
    SENDING,
    SUCCEEDED,
    UNKNOWN,
    WAITING,
    AlreadyResolved,
)
from kook.domain.recharges.request import RequestNotFound, RequestStatus
from kook.domain.shared.errors import NotFound, ValidationFailed


class GetProgress:
    def __init__(self, uow: FulfilmentUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, request_id: str, customer_id: str | None) -> Progress:
        """``customer_id`` None: staff (any request)."""
        async with self._uow as uow:
            request = await uow.work.request(request_id)
            if request is None or (customer_id is not None and request.customer_id != customer_id):
                raise RequestNotFound()
            counts = await uow.work.status_counts(request_id)
        waiting = counts.get(WAITING, 0) if request.status is not RequestStatus.DRAFT else 0
        pending = waiting if request.status is not RequestStatus.CANCELLED else 0
        values = {
            "pending": pending,
            "sending": counts.get(SENDING, 0),
            "succeeded": counts.get(SUCCEEDED, 0),
            "failed": counts.get(FAILED, 0),
            "unknown": counts.get(UNKNOWN, 0),
        }
        return Progress(
            status=request.status.value,
            lines=sum(values.values()),
            settled=request.settled,
            released=request.released,
            held=request.held,
            **values,
        )


class ListUnknownLines:
    def __init__(self, uow: FulfilmentUnitOfWork) -> None:
        self._uow = uow

    async def __call__(self, *, after_id: int | None, limit: int) -> list[UnknownLine]:
        async with self._uow as uow:
            return await uow.work.unknown_lines(after_id=after_id, limit=limit)


class LineNotFound(NotFound):
    code = "not_found"


class ResolveUnknownLine:
    """Finance settles an unknown line as succeeded (settle) or failed (release): idempotent and audited.

    Resolving again with the same outcome answers the same and moves nothing;
    a line already final by another outcome (or by the operator) is
    ``already_resolved``; a line not unknown is ``line_not_unknown``.
    """

    def __init__(
        self, uow: FulfilmentUnitOfWork, recorder: OutcomeRecorder, notice: FinishNotice, clock: Clock
    ) -> None:
        self._uow = uow
        self._recorder = recorder
        self._notice = notice
        self._clock = clock

    async def __call__(self, line_id: int, outcome: str, actor: str) -> str:
        if outcome not in (SUCCEEDED, FAILED):
            raise ValidationFailed({"outcome": "invalid"})
        async with self._uow as uow:
            state = await uow.work.line_state(line_id)
            if state is None:
                raise LineNotFound()
            resolution = await uow.work.line_resolution(line_id)
        if resolution is not None and resolution[1] is not None and resolution[0] == outcome:
            return outcome  # the same decision again: nothing more moves
        recorded = await self._recorder.record(
            state.request_id, [], staff=actor_tag(actor), resolutions=[(line_id, outcome == SUCCEEDED)]
        )
        if not recorded.changed:
            raise AlreadyResolved()
        if recorded.finished:
            await self._notice(state.request_id)
        return outcome


def actor_tag(actor: str) -> str:
    return actor[:64]

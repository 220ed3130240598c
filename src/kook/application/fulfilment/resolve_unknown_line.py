"""Finance settles an unknown line as succeeded (settle) or failed (release): idempotent and audited."""

from __future__ import annotations

from kook.application.fulfilment.finish_notice import FinishNotice
from kook.application.fulfilment.outcome_recorder import OutcomeRecorder
from kook.application.fulfilment.ports import FulfilmentUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.recharges.fulfilment import AlreadyResolved
from kook.domain.recharges.line import LineStatus
from kook.domain.shared.errors import NotFound, ValidationFailed


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
        if outcome not in (LineStatus.SUCCEEDED, LineStatus.FAILED):
            raise ValidationFailed({"outcome": "invalid"})
        async with self._uow as uow:
            state = await uow.work.line_state(line_id)
            if state is None:
                raise LineNotFound()
            resolution = await uow.work.line_resolution(line_id)
        if resolution is not None and resolution[1] is not None and resolution[0] == outcome:
            return outcome  # the same decision again: nothing more moves
        recorded = await self._recorder.record(
            state.request_id, [], staff=actor_tag(actor), resolutions=[(line_id, outcome == LineStatus.SUCCEEDED)]
        )
        if not recorded.changed:
            raise AlreadyResolved()
        if recorded.finished:
            await self._notice(state.request_id)
        return outcome


def actor_tag(actor: str) -> str:
    return actor[:64]

"""Sends claimed lines (or asks about them) through their routes within the routes' limits."""

from __future__ import annotations

import structlog

from kook.application.fulfilment.answers import Answered
from kook.application.fulfilment.ports import ClaimedLine, FulfilmentConfig, RouteLimiter
from kook.application.shared.ports import OperatorGateways, OutcomeStatus, ShutdownSignal, TopUpOutcome, TopUpRequest
from kook.domain.recharges.fulfilment import Answer
from kook.domain.recharges.line import ProductKind
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import OperatorRouting
from kook.domain.shared.errors import DomainError

log = structlog.get_logger(__name__)


def answer_of(outcome: TopUpOutcome) -> Answer:
    if outcome.status is OutcomeStatus.SUCCEEDED:
        return Answer.SUCCEEDED
    if outcome.status is OutcomeStatus.FAILED:
        return Answer.NOT_SENT if outcome.retryable else Answer.FAILED
    if outcome.status is OutcomeStatus.NOT_FOUND:
        return Answer.NOT_FOUND
    return Answer.UNKNOWN


class LineSender:
    """Sends claimed lines (or asks about them) through their routes within the routes' limits.

    Once the process is asked to stop, a claimed line not yet on the wire is not sent: it is answered
    ``NOT_TAKEN`` (back to waiting, attempt not counted) so another worker sends it; calls already made are
    waited for and recorded."""

    def __init__(
        self,
        gateways: OperatorGateways,
        limiter: RouteLimiter,
        config: FulfilmentConfig,
        shutdown: ShutdownSignal | None = None,
    ) -> None:
        self._gateways = gateways
        self._limiter = limiter
        self._config = config
        self._shutdown = shutdown

    async def send(self, routing: OperatorRouting, line: ClaimedLine) -> Answered:
        return await self._call(routing, line, inquiry=False)

    async def ask(self, routing: OperatorRouting, line: ClaimedLine) -> Answered | None:
        """The operator's answer about the line; ``None`` when the route had no room (ask next pass)."""
        answered = await self._call(routing, line, inquiry=True)
        if answered.answer is Answer.NOT_TAKEN:
            return None
        if answered.answer is Answer.NOT_SENT:  # the inquiry did not get through: still unknown, back off
            return Answered(line.id, Answer.UNKNOWN, answered.code)
        return answered

    async def _call(self, routing: OperatorRouting, line: ClaimedLine, *, inquiry: bool) -> Answered:
        try:
            route = routing.route_for(Operator(line.operator))
        except (DomainError, ValueError):
            if inquiry:  # the route is off: ask later
                return Answered(line.id, Answer.NOT_TAKEN, "route_unavailable")
            return Answered(line.id, Answer.FAILED, "route_unavailable")
        if self._stopping(inquiry):
            return Answered(line.id, Answer.NOT_TAKEN, "worker_stopping")
        slot = await self._limiter.acquire(route, wait_seconds=self._config.slot_wait_seconds)
        if slot is None:  # breaker open or too busy: not sent, the line waits again (attempt not counted)
            return Answered(line.id, Answer.NOT_TAKEN, "route_busy")
        if self._stopping(inquiry):  # asked to stop while it waited for its slot: still not sent
            await self._limiter.release(slot, healthy=True)
            return Answered(line.id, Answer.NOT_TAKEN, "worker_stopping")
        healthy = False
        try:
            gateway = self._gateways.for_route(route)
            if inquiry:
                outcome = await gateway.status(line.reference)
            else:
                package = line.product == ProductKind.PACKAGE.value
                outcome = await gateway.top_up(
                    TopUpRequest(
                        reference=line.reference,
                        mobile=line.mobile,
                        operator=Operator(line.operator),
                        product=(line.package_code or "") if package else ProductKind.AIRTIME.value,
                        amount=line.price if package else (line.amount or line.price),
                    )
                )
            healthy = outcome.is_final or outcome.status is OutcomeStatus.NOT_FOUND
            if outcome.status is OutcomeStatus.FAILED and outcome.retryable:
                healthy = False
        except Exception:  # anything unexpected after the call may have left: unknown, never failed
            log.warning("operator_call_error", line_id=line.id, inquiry=inquiry, exc_info=True)
            outcome = TopUpOutcome.pending("adapter_error")
        finally:
            await self._limiter.release(slot, healthy=healthy)
        return Answered(line.id, answer_of(outcome), outcome.code, outcome.provider_ref)

    def _stopping(self, inquiry: bool) -> bool:
        return not inquiry and self._shutdown is not None and self._shutdown.requested()

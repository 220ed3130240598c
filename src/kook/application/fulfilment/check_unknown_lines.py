"""``fulfilment.check_unknown``: ask the operator about lines whose outcome is due for an inquiry."""

from __future__ import annotations

import asyncio

from kook.application.fulfilment.answers import _by_request
from kook.application.fulfilment.dispatch_runs import dispatch_runs
from kook.application.fulfilment.finish_notice import FinishNotice
from kook.application.fulfilment.line_sender import LineSender
from kook.application.fulfilment.outcome_recorder import OutcomeRecorder
from kook.application.fulfilment.ports import FulfilmentConfig, FulfilmentUnitOfWork, RouteLimiter
from kook.application.shared.load_operator_routing import LoadOperatorRouting
from kook.application.shared.ports import Clock, Dispatcher, OperatorGateways


class CheckUnknownLines:
    """``fulfilment.check_unknown``: ask the operator about lines whose outcome is due for an inquiry."""

    def __init__(
        self,
        uow: FulfilmentUnitOfWork,
        recorder: OutcomeRecorder,
        notice: FinishNotice,
        gateways: OperatorGateways,
        load_routing: LoadOperatorRouting,
        limiter: RouteLimiter,
        dispatcher: Dispatcher,
        clock: Clock,
        config: FulfilmentConfig,
    ) -> None:
        self._uow = uow
        self._recorder = recorder
        self._notice = notice
        self._sender = LineSender(gateways, limiter, config)
        self._load_routing = load_routing
        self._dispatcher = dispatcher
        self._clock = clock
        self._config = config

    async def __call__(self) -> int:
        """The number of lines asked about."""
        async with self._uow as uow:
            due = await uow.work.due_unknown(self._clock.now(), self._config.batch_limit)
        if not due:
            return 0
        routing = await self._load_routing()
        answers = await asyncio.gather(*(self._sender.ask(routing, line) for line in due))
        pairs = [(line.request_id, a) for line, a in zip(due, answers, strict=True) if a is not None]
        for request_id, group in _by_request(pairs).items():
            recorded = await self._recorder.record(request_id, group)
            if recorded.finished:
                await self._notice(request_id)
            if recorded.back_to_waiting:  # not found at the operator: a new attempt, same reference
                dispatch_runs(self._dispatcher, request_id, 1)
        return len(pairs)

"""``fulfilment.sweep``: puts stuck work back on the way; safe to run any time, any number of times."""

from __future__ import annotations

from datetime import timedelta

from kook.application.fulfilment.answers import Answered, _by_request
from kook.application.fulfilment.dispatch_runs import dispatch_runs
from kook.application.fulfilment.finish_notice import FinishNotice
from kook.application.fulfilment.outcome_recorder import OutcomeRecorder
from kook.application.fulfilment.ports import FulfilmentConfig, FulfilmentUnitOfWork
from kook.application.shared.ports import Clock, Dispatcher
from kook.domain.recharges.fulfilment import Answer


class SweepFulfilment:
    """``fulfilment.sweep``: puts stuck work back on the way; safe to run any time, any number of times."""

    def __init__(
        self,
        uow: FulfilmentUnitOfWork,
        recorder: OutcomeRecorder,
        notice: FinishNotice,
        dispatcher: Dispatcher,
        clock: Clock,
        config: FulfilmentConfig,
    ) -> None:
        self._uow = uow
        self._recorder = recorder
        self._notice = notice
        self._dispatcher = dispatcher
        self._clock = clock
        self._config = config

    async def __call__(self) -> dict[str, int]:
        cfg = self._config
        now = self._clock.now()
        async with self._uow as uow:
            stale = await uow.work.stale_sending(now - timedelta(seconds=cfg.stale_after_seconds), cfg.batch_limit)
        # a worker that claimed these died or hung: their outcome is unknown until the operator says
        pairs = [(s.request_id, Answered(s.id, Answer.UNKNOWN, "worker_lost")) for s in stale]
        for request_id, group in _by_request(pairs).items():
            await self._recorder.record(request_id, group)
        async with self._uow as uow:
            idle = await uow.work.requests_to_dispatch(
                now - timedelta(seconds=cfg.idle_redispatch_seconds), cfg.batch_limit
            )
            if idle:
                await uow.work.mark_worked(idle, now)
                await uow.commit()
        for request_id in idle:
            dispatch_runs(self._dispatcher, request_id, cfg.parallel_runs)
        async with self._uow as uow:
            unfinished = await uow.work.requests_to_finish(cfg.batch_limit)
        for request_id in unfinished:
            await self._recorder.record(request_id, [])
        async with self._uow as uow:
            untold = await uow.work.requests_to_notify(
                now - timedelta(seconds=cfg.notify_after_seconds),
                now - timedelta(seconds=cfg.notice_lease_seconds),
                cfg.batch_limit,
            )
        for request_id in [*unfinished, *untold]:
            await self._notice(request_id)
        return {"stale": len(stale), "dispatched": len(idle), "finished": len(unfinished), "told": len(untold)}

"""One ``fulfilment.run`` message: claim, send and record chunks of a request until none is left."""

from __future__ import annotations

import asyncio
import contextlib
import time

import structlog

from kook.application.fulfilment.answers import Answered
from kook.application.fulfilment.dispatch_runs import dispatch_runs
from kook.application.fulfilment.finish_notice import FinishNotice
from kook.application.fulfilment.line_sender import LineSender
from kook.application.fulfilment.outcome_recorder import OutcomeRecorder
from kook.application.fulfilment.ports import ClaimedLine, FulfilmentConfig, FulfilmentUnitOfWork, RouteLimiter
from kook.application.shared.load_operator_routing import LoadOperatorRouting
from kook.application.shared.ports import Clock, Dispatcher, OperatorGateways, ShutdownSignal
from kook.domain.recharges.request import IN_FULFILMENT, RequestStatus

log = structlog.get_logger(__name__)


class ExecuteRechargeLines:
    """One ``fulfilment.run`` message: claim, send and record chunks of a request until none is left."""

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
        shutdown: ShutdownSignal,
    ) -> None:
        self._uow = uow
        self._recorder = recorder
        self._notice = notice
        self._sender = LineSender(gateways, limiter, config, shutdown)
        self._load_routing = load_routing
        self._limiter = limiter
        self._dispatcher = dispatcher
        self._clock = clock
        self._config = config
        self._shutdown = shutdown

    async def __call__(self, request_id: str) -> int:
        """The number of lines sent.

        A pipeline, not a loop of batches: up to ``window`` claimed lines are on their way at once; a new chunk
        is claimed as soon as there is room for it, and answers are recorded in batches as they arrive (every
        ``record_every_seconds``, or as soon as ``chunk_size`` are in). Waiting for a whole chunk before the
        next one left the route idle behind each chunk's slowest call (measured: 30% of the route's limit).
        """
        routing = await self._load_routing()
        cfg = self._config
        deadline = time.monotonic() + cfg.run_seconds
        tasks: set[asyncio.Task[None]] = set()  # the calls on their way (strong references)
        answered: list[Answered] = []
        arrived = asyncio.Event()
        sent = 0
        more = True  # waiting lines may be left to claim
        rest_until = 0.0  # after a batch that got nothing through: let the route breathe before claiming
        handed_over = False

        async def carry(line: ClaimedLine) -> None:
            try:
                answer = await self._sender.send(routing, line)
                answered.append(answer)  # not ``answered.append(await …)``: that binds the list before the await
            finally:
                arrived.set()

        def landed(task: asyncio.Task[None]) -> None:
            tasks.discard(task)
            if not task.cancelled() and task.exception() is not None:  # LineSender answers; this is a bug
                log.error("fulfilment_send_crashed", request_id=request_id, exc_info=task.exception())

        while True:
            now = time.monotonic()
            if (now >= deadline or self._shutdown.requested()) and not handed_over and (more or tasks):
                # hand over to a fresh message (keeps messages short; another worker may take it) and drain;
                # asked to stop (SIGTERM), the same at once: lines not yet sent go back to waiting (``LineSender``)
                handed_over = True
                dispatch_runs(self._dispatcher, request_id, 1)
            if more and not handed_over and now >= rest_until and len(tasks) + cfg.chunk_size <= cfg.window:
                lines = await self._claim(request_id)
                if lines:
                    sent += len(lines)
                    for line in lines:
                        task = asyncio.ensure_future(carry(line))
                        tasks.add(task)
                        task.add_done_callback(landed)
                    continue
                more = False
            if not answered:
                if not tasks:
                    if more and not handed_over:  # resting: nothing on its way, nothing to record
                        await asyncio.sleep(max(0.0, rest_until - time.monotonic()))
                        continue
                    break
                arrived.clear()
                await arrived.wait()
                # the first answer of a batch: give its companions a moment (or a full batch) before recording
                batch_due = time.monotonic() + cfg.record_every_seconds
                while tasks and len(answered) < cfg.chunk_size and time.monotonic() < batch_due:
                    arrived.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(max(0.0, batch_due - time.monotonic())):
                            await arrived.wait()
            batch = answered[:]
            answered.clear()
            recorded = await self._recorder.record(request_id, batch)
            if recorded.finished:
                await asyncio.gather(*tasks)  # none should be left; never leave a call behind
                await self._notice(request_id)
                return sent
            if recorded.back_to_waiting:
                more = True
                if recorded.back_to_waiting == len(batch):  # nothing got through
                    rest_until = time.monotonic() + 0.5
        if handed_over:
            return sent
        recorded = await self._recorder.record(request_id, [])
        if recorded.finished:
            await self._notice(request_id)
        return sent

    async def _claim(self, request_id: str) -> list[ClaimedLine]:
        skip = await self._limiter.open_operators()
        async with self._uow as uow:
            request = await uow.work.request(request_id, for_update=True)
            if request is None or request.status not in IN_FULFILMENT:
                return []
            now = self._clock.now()
            lines = await uow.work.claim(request_id, limit=self._config.chunk_size, skip_operators=skip, now=now)
            if not lines:
                return []
            if request.status is RequestStatus.CONFIRMED:
                request.start(now)
                await uow.requests.save(request)
            await uow.work.mark_worked([request_id], now)
            await uow.commit()
            return lines

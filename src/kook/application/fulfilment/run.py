"""Carrying out confirmed requests (SPEC §8): claim, send, record — exactly once, whatever fails.

The database is the record of what must be done: a confirmed request's
waiting lines. ``RunRequest`` (the ``fulfilment.run`` actor) claims a chunk of
them (waiting → sending, atomically, the reference saved), sends each through
its operator's route within the route's limits, and records the answers in
one transaction with the ledger moves they make. ``CheckUnknownLines`` asks
the operator about lines whose outcome is unknown; ``SweepFulfilment`` puts
stuck work back on the way (lines sending too long become unknown and are
asked about — never sent again blind; idle requests are dispatched again;
finished requests not yet told are told).

Every path that changes a line goes through ``OutcomeRecorder``: locks the
wallet, then the request, then the lines (the fixed order), asks the domain
(``decide``) what each answer does, applies it, posts one settlement per
operator and one release for the batch, and finishes the request when no line
is left open — all in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import structlog

from kook.application.fulfilment.limits import RouteLimiter
from kook.application.fulfilment.ports import ClaimedLine, FulfilmentConfig, FulfilmentUnitOfWork
from kook.application.fulfilment.texts import request_finished
from kook.application.routing.load_operator_routing import LoadOperatorRouting
from kook.application.routing.ports import OperatorGateways, OutcomeStatus, TopUpOutcome, TopUpRequest
from kook.application.shared.ports import Clock, CustomerNotifier, Dispatcher, ShutdownSignal, Telemetry
from kook.application.wallet.ledger_poster import LedgerPoster
from kook.domain.recharges.fulfilment import (
    FAILED,
    SUCCEEDED,
    WAITING,
    Answer,
    LineChange,
    LineState,
    decide,
    money_of,
    resolve_by_staff,
)
from kook.domain.recharges.request import IN_FULFILMENT, ProductKind, RequestStatus
from kook.domain.routing.operator import Operator
from kook.domain.routing.operator_routing import OperatorRouting
from kook.domain.shared.errors import DomainError
from kook.domain.shared.ids import new_id
from kook.domain.wallet.ledger import operator_account

log = structlog.get_logger(__name__)

RUN_ACTOR = "fulfilment.run"


@dataclass(frozen=True, slots=True)
class Answered:
    line_id: int
    answer: Answer
    code: str | None = None
    provider_ref: str | None = None


def answer_of(outcome: TopUpOutcome) -> Answer:
    if outcome.status is OutcomeStatus.SUCCEEDED:
        return Answer.SUCCEEDED
    if outcome.status is OutcomeStatus.FAILED:
        return Answer.NOT_SENT if outcome.retryable else Answer.FAILED
    if outcome.status is OutcomeStatus.NOT_FOUND:
        return Answer.NOT_FOUND
    return Answer.UNKNOWN


def dispatch_runs(dispatcher: Dispatcher, request_id: str, count: int) -> None:
    """Enqueue ``count`` run messages; a lost enqueue is found again by the sweeper."""
    try:
        for _ in range(max(1, count)):
            dispatcher.dispatch(RUN_ACTOR, request_id=request_id)
    except Exception:  # the broker may be down; the database still says what is to be done
        log.warning("fulfilment_dispatch_failed", request_id=request_id, exc_info=True)


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
            final = [c for c in changes if c.status in (SUCCEEDED, FAILED)]
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
                failed = await uow.work.count_status(request.id, FAILED)
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
                            "succeeded": await uow.work.count_status(request.id, SUCCEEDED),
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
            back = sum(1 for c in changes if c.status == WAITING)
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


class FinishNotice:
    """Tells the customer a request finished (portal message + SMS), once it committed; marks it told.

    A teller first claims the notice (``Request.claim_notice``, under the request's lock, committed), then tells,
    then marks it told. Two tellers at once (the run that finished the request and the sweeper retelling a late
    notice) tell once: the second finds the claim. Telling that fails gives the claim up (the sweeper tells
    again); a teller that dies leaves its claim, and the sweeper tells again once ``notice_lease_seconds`` passed.
    The lock is not held while telling: the notifier writes the message in a transaction of its own (on SQLite
    a second writer would wait for this one)."""

    def __init__(
        self, uow: FulfilmentUnitOfWork, notifier: CustomerNotifier, clock: Clock, config: FulfilmentConfig
    ) -> None:
        self._uow = uow
        self._notifier = notifier
        self._clock = clock
        self._lease = timedelta(seconds=config.notice_lease_seconds)

    async def __call__(self, request_id: str) -> None:
        async with self._uow as uow:
            request = await uow.work.request(request_id, for_update=True)
            if request is None or not request.claim_notice(self._clock.now(), self._lease):
                return
            succeeded = await uow.work.count_status(request_id, SUCCEEDED)
            failed = await uow.work.count_status(request_id, FAILED)
            await uow.requests.save(request)
            await uow.commit()
        title, body, sms = request_finished(request.name, succeeded, failed, request.released)
        try:
            await self._notifier.notify(request.customer_id, kind="request_finished", title=title, body=body, sms=sms)
        except Exception:
            await self._settle(request_id, told=False)
            raise
        await self._settle(request_id, told=True)

    async def _settle(self, request_id: str, *, told: bool) -> None:
        try:
            async with self._uow as uow:
                request = await uow.work.request(request_id, for_update=True)
                if request is None or request.notified_at is not None:
                    return
                if told:
                    request.notified_at = self._clock.now()
                else:
                    request.notice_given_up()
                await uow.requests.save(request)
                await uow.commit()
        except Exception:  # the claim's lease is the backstop
            if told:
                raise
            log.warning("finish_notice_claim_not_given_up", request_id=request_id, exc_info=True)


class _Sender:
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


class RunRequest:
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
        self._sender = _Sender(gateways, limiter, config, shutdown)
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
            if not task.cancelled() and task.exception() is not None:  # _Sender answers; this is a bug
                log.error("fulfilment_send_crashed", request_id=request_id, exc_info=task.exception())

        while True:
            now = time.monotonic()
            if (now >= deadline or self._shutdown.requested()) and not handed_over and (more or tasks):
                # hand over to a fresh message (keeps messages short; another worker may take it) and drain;
                # asked to stop (SIGTERM), the same at once: lines not yet sent go back to waiting (``_Sender``)
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


def _by_request(lines: Iterable[tuple[str, Answered]]) -> dict[str, list[Answered]]:
    grouped: dict[str, list[Answered]] = defaultdict(list)
    for request_id, answered in lines:
        grouped[request_id].append(answered)
    return grouped


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
        self._sender = _Sender(gateways, limiter, config)
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

"""dishka wiring of fulfilment: the unit of work, the route limits, the dispatcher, the use cases."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.memory_route_limiter import MemoryRouteLimiter
from kook.adapters.pooled_route_limiter import PooledRouteLimiter
from kook.adapters.postgres.unit_of_work_fulfilment import SqlFulfilmentUnitOfWork
from kook.adapters.redis.route_limiter import RedisRouteLimiter
from kook.application.fulfilment.check_unknown_lines import CheckUnknownLines
from kook.application.fulfilment.dispatch_runs import DispatchRuns
from kook.application.fulfilment.execute_recharge_lines import ExecuteRechargeLines
from kook.application.fulfilment.finish_notice import FinishNotice
from kook.application.fulfilment.get_progress import GetProgress
from kook.application.fulfilment.list_unknown_lines import ListUnknownLines
from kook.application.fulfilment.outcome_recorder import OutcomeRecorder
from kook.application.fulfilment.ports import FulfilmentConfig, FulfilmentUnitOfWork, RouteLimiter
from kook.application.fulfilment.resolve_unknown_line import ResolveUnknownLine
from kook.application.fulfilment.sweep_fulfilment import SweepFulfilment
from kook.application.recharges.ports import FulfilmentStarter
from kook.application.shared.ports import Clock, Dispatcher
from kook.domain.recharges.fulfilment import Policy
from kook.entrypoints.settings import Settings


class FulfilmentInfrastructure(Provider):
    scope = Scope.APP

    @provide
    def config(self, settings: Settings) -> FulfilmentConfig:
        f = settings.fulfilment
        return FulfilmentConfig(
            chunk_size=f.chunk_size,
            window=f.window,
            record_every_seconds=f.record_every_seconds,
            run_seconds=f.run_seconds,
            parallel_runs=f.parallel_runs,
            slot_wait_seconds=f.slot_wait_seconds,
            stale_after_seconds=f.stale_after_seconds,
            idle_redispatch_seconds=f.idle_redispatch_seconds,
            policy=Policy(
                max_attempts=f.max_attempts,
                first_check_seconds=f.first_check_seconds,
                max_check_seconds=f.max_check_seconds,
                inquiry_window_seconds=f.inquiry_window_seconds,
            ),
        )

    @provide
    async def route_limiter(self, redis: Redis | None, clock: Clock) -> AsyncIterator[RouteLimiter]:
        """Shared through Redis by every worker process, behind a per-process pool (few round trips for many
        waiters); in memory under ``kook serve`` without Redis."""
        if redis is None:
            yield MemoryRouteLimiter(clock)
            return
        pooled = PooledRouteLimiter(RedisRouteLimiter(redis, clock))
        yield pooled
        await pooled.aclose()

    fulfilment_starter = provide(DispatchRuns, provides=FulfilmentStarter)

    @provide
    def dispatcher(self, settings: Settings) -> Dispatcher:
        from kook.adapters.dramatiq.dispatcher import DramatiqDispatcher
        from kook.entrypoints.worker.broker import setup_broker  # the broker imports the containers

        return DramatiqDispatcher(setup_broker(settings))


class FulfilmentUseCases(Provider):
    scope = Scope.REQUEST

    @provide
    def unit_of_work(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> FulfilmentUnitOfWork:
        return SqlFulfilmentUnitOfWork(factory, clock)

    recorder = provide(OutcomeRecorder)
    notice = provide(FinishNotice)
    run = provide(ExecuteRechargeLines)
    check_unknown = provide(CheckUnknownLines)
    sweep = provide(SweepFulfilment)
    progress = provide(GetProgress)
    unknown_lines = provide(ListUnknownLines)
    resolve = provide(ResolveUnknownLine)

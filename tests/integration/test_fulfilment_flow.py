"""Fulfilment on SQLite and PostgreSQL through the real use cases and repositories, with the in-memory
operator: every line final, each reference applied at most once, the wallet equal to what the outcomes
say, the ledger balanced — including lost answers, dead workers and finance's decisions."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from dishka import AsyncContainer, Provider, Scope, provide

from kook.application.fulfilment.check_unknown_lines import CheckUnknownLines
from kook.application.fulfilment.execute_recharge_lines import ExecuteRechargeLines
from kook.application.fulfilment.finish_notice import FinishNotice
from kook.application.fulfilment.get_progress import GetProgress
from kook.application.fulfilment.list_unknown_lines import ListUnknownLines
from kook.application.fulfilment.ports import FulfilmentConfig, FulfilmentUnitOfWork
from kook.application.fulfilment.resolve_unknown_line import ResolveUnknownLine
from kook.application.fulfilment.sweep_fulfilment import SweepFulfilment
from kook.application.recharges.add_line import AddLine
from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.line_checker import LineInput
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import (
    Clock,
    CustomerNotifier,
    Dispatcher,
    OperatorGateways,
    TopUpOutcome,
    TopUpRequest,
)
from kook.application.wallet.get_wallet import GetWallet
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.verify_ledger import VerifyLedger
from kook.domain.recharges.fulfilment import Policy
from kook.domain.shared.errors import DomainError
from kook.domain.wallet.ledger import EntryKind, bank_account
from kook.entrypoints.ioc.containers import make_http_container
from kook.entrypoints.settings import Settings
from tests.fakes.clock import FakeClock
from tests.fakes.dispatch import RecordingDispatcher
from tests.fakes.operator import FakeOperator, FakeOperatorGateways
from tests.fakes.wallet import FakeNotifier

CUSTOMER = "f" * 32


class World:
    def __init__(
        self,
        container: AsyncContainer,
        operator: FakeOperator,
        dispatcher: RecordingDispatcher,
        clock: FakeClock,
        notifier: FakeNotifier,
    ) -> None:
        self.clock = clock
        self.container = container
        self.operator = operator
        self.dispatcher = dispatcher
        self.notifier = notifier

    async def call(self, use_case: type[Any], *args: Any, **kwargs: Any) -> Any:
        async with self.container() as scope:
            return await (await scope.get(use_case))(*args, **kwargs)

    async def credit(self, amount: int) -> None:
        async with self.container() as scope:
            uow = await scope.get(WalletUnitOfWork)
            poster = await scope.get(LedgerPoster)
            async with uow:
                await poster.credit(
                    uow.ledger, CUSTOMER, amount, bank_account("test"), key=f"seed-{amount}", kind=EntryKind.DEPOSIT
                )
                await uow.commit()

    async def confirmed(self, mobiles: list[str], amount: int = 200_000) -> str:
        request = await self.call(CreateRequest, CUSTOMER, "انجام", "topup")
        for mobile in mobiles:
            await self.call(AddLine, request.id, CUSTOMER, LineInput(mobile=mobile, amount=amount))
        assert (await self.call(ConfirmRechargeRequest, request.id, CUSTOMER)).value == "confirmed"
        return str(request.id)

    async def progress(self, request_id: str) -> Any:
        return await self.call(GetProgress, request_id, CUSTOMER)

    async def wallet(self) -> tuple[int, int]:
        found = await self.call(GetWallet, CUSTOMER)
        return found.available, found.held


@pytest.fixture
def settings(settings_factory: Any) -> Settings:
    built: Settings = settings_factory()  # outside the event loop: it may migrate
    return built


@contextlib.asynccontextmanager
async def _world(
    settings: Settings,
    operator: FakeOperator,
    config: FulfilmentConfig,
    clock: FakeClock | None,
    notifier: FakeNotifier | None = None,
) -> AsyncIterator[World]:
    """The HTTP container with ``operator`` behind every route, a recording dispatcher, ``config``, and
    ``clock`` (``None``: real time)."""
    dispatcher = RecordingDispatcher()
    told = notifier or FakeNotifier()

    class Overrides(Provider):
        scope = Scope.APP

        @provide(override=True)
        def gateways(self) -> OperatorGateways:
            return FakeOperatorGateways(operator)

        @provide(override=True)
        def dispatcher(self) -> Dispatcher:
            return dispatcher

        @provide(override=True)
        def fulfilment_config(self) -> FulfilmentConfig:
            return config

        @provide(override=True)
        def notifier(self) -> CustomerNotifier:
            return told

    class FakeTime(Provider):
        scope = Scope.APP

        @provide(override=True)
        def clock(self) -> Clock:
            assert clock is not None
            return clock

    providers: list[Provider] = [Overrides()] if clock is None else [Overrides(), FakeTime()]
    container = make_http_container(settings, *providers)
    try:
        yield World(container, operator, dispatcher, clock or FakeClock(), told)
    finally:
        await container.close()


@pytest.fixture
async def world(settings: Settings) -> AsyncIterator[World]:
    config = FulfilmentConfig(chunk_size=3, parallel_runs=2, policy=Policy(inquiry_window_seconds=600))
    async with _world(settings, FakeOperator(), config, FakeClock()) as found:
        yield found


async def test_a_run_finishes_every_line_and_accounts_for_every_rial(world: World) -> None:
    await world.credit(2_000_000)
    mobiles = ["09121110001", "09121110010", "09121110000", "09351110011", "09121110003"]  # 0000 fails
    request_id = await world.confirmed(mobiles)
    assert [a for a, _ in world.dispatcher.sent] == ["fulfilment.run", "fulfilment.run"]
    assert await world.wallet() == (1_000_000, 1_000_000)
    before = await world.progress(request_id)
    assert (before.status, before.pending, before.held) == ("confirmed", 5, 1_000_000)

    # two run messages at once (as two workers would): nothing sent twice
    await asyncio.gather(world.call(ExecuteRechargeLines, request_id), world.call(ExecuteRechargeLines, request_id))

    # 0001 answers "applied, answer lost" → unknown, money still held
    after = await world.progress(request_id)
    assert (after.succeeded, after.failed, after.unknown, after.pending, after.sending) == (3, 1, 1, 0, 0)
    assert (after.settled, after.released, after.held) == (600_000, 200_000, 200_000)
    assert after.status == "running"
    assert await world.wallet() == (1_200_000, 200_000)
    assert all(len(world.operator.sent_to(m)) == 1 for m in mobiles)

    # the inquiry is due later; asked now it changes nothing
    assert await world.call(CheckUnknownLines) == 0
    world.clock.advance(seconds=5)
    assert await world.call(CheckUnknownLines) == 1
    done = await world.progress(request_id)
    assert (done.status, done.succeeded, done.failed, done.unknown) == ("completed_with_failures", 4, 1, 0)
    assert (done.settled, done.released, done.held) == (800_000, 200_000, 0)
    assert await world.wallet() == (1_200_000, 0)
    assert all(world.operator.applied_count(r.reference) <= 1 for r in world.operator.calls)
    assert await world.call(VerifyLedger) == ([], [])
    # told once: a portal message and an SMS with the counts and the money back
    [told] = world.notifier.sent
    assert (told["customer_id"], told["kind"]) == (CUSTOMER, "request_finished")
    assert told["title"] == "درخواست با خطا به پایان رسید"
    assert "۴ مورد موفق و ۱ مورد ناموفق" in told["body"] and "۲۰۰٬۰۰۰ ریال" in told["body"]
    assert told["sms"] is not None and "۴ موفق، ۱ ناموفق" in told["sms"] and "۲۰۰٬۰۰۰ ریال" in told["sms"]

    # a repeated run or sweep changes nothing, and tells nobody again (nor does a sweep after the retell delay)
    await world.call(ExecuteRechargeLines, request_id)
    await world.call(SweepFulfilment)
    world.clock.advance(seconds=120)
    await world.call(SweepFulfilment)
    assert await world.wallet() == (1_200_000, 0)
    assert len(world.notifier.sent) == 1
    with pytest.raises(DomainError) as started:
        await world.call(CancelRequest, request_id, CUSTOMER)
    assert started.value.code == "request_started"


async def test_not_applied_is_sent_again_with_the_same_reference(world: World) -> None:
    await world.credit(500_000)
    request_id = await world.confirmed(["09121110002"])  # 0002: lost without being applied
    await world.call(ExecuteRechargeLines, request_id)
    assert (await world.progress(request_id)).unknown == 1
    world.clock.advance(seconds=5)
    await world.call(CheckUnknownLines)  # not found at the operator → waits again
    assert (await world.progress(request_id)).pending == 1
    assert world.dispatcher.sent[-1] == ("fulfilment.run", {"request_id": request_id})
    world.operator.deterministic_numbers = False
    await world.call(ExecuteRechargeLines, request_id)
    done = await world.progress(request_id)
    assert (done.status, done.succeeded, done.held) == ("completed", 1, 0)
    sent = world.operator.sent_to("09121110002")
    assert len(sent) == 2 and sent[0].reference == sent[1].reference
    assert world.operator.applied_count(sent[0].reference) == 1
    assert await world.call(VerifyLedger) == ([], [])


async def test_a_dead_worker_line_is_asked_about_never_sent_blind(world: World) -> None:
    await world.credit(500_000)
    request_id = await world.confirmed(["09121110005"])
    async with world.container() as scope:  # a worker claims the line and dies before recording anything
        uow = await scope.get(FulfilmentUnitOfWork)
        async with uow:
            await uow.work.request(request_id, for_update=True)
            claimed = await uow.work.claim(request_id, limit=10, skip_operators=set(), now=world.clock.now())
            await uow.commit()
    assert len(claimed) == 1
    await world.call(ExecuteRechargeLines, request_id)  # nothing waiting: nothing sent
    assert world.operator.calls == []
    world.clock.advance(minutes=5)
    swept = await world.call(SweepFulfilment)
    assert swept["stale"] == 1
    assert (await world.progress(request_id)).unknown == 1
    world.clock.advance(seconds=5)
    await world.call(CheckUnknownLines)  # the operator never got it → waits again → sent once
    await world.call(ExecuteRechargeLines, request_id)
    done = await world.progress(request_id)
    assert (done.status, done.succeeded) == ("completed", 1)
    assert len(world.operator.calls) == 1


async def test_finance_resolves_an_escalated_line_once(world: World) -> None:
    await world.credit(500_000)
    request_id = await world.confirmed(["09121110001", "09121110007"])  # 0001: applied, answer lost
    await world.call(ExecuteRechargeLines, request_id)

    async def unclear(reference: str) -> TopUpOutcome:  # inquiries keep coming back unclear
        return TopUpOutcome.pending("timeout")

    world.operator.status = unclear  # type: ignore[method-assign]
    world.clock.advance(minutes=11)
    await world.call(CheckUnknownLines)
    queue = await world.call(ListUnknownLines, after_id=None, limit=10)
    assert [(line.mobile, line.escalated) for line in queue] == [("09121110001", True)]
    assert (await world.progress(request_id)).held == 200_000

    line_id = queue[0].id
    answers = await asyncio.gather(
        *(world.call(ResolveUnknownLine, line_id, "succeeded", "staff:finance") for _ in range(5)),
        return_exceptions=True,
    )
    assert all(a == "succeeded" or (isinstance(a, DomainError) and a.code == "already_resolved") for a in answers)
    assert await world.call(ResolveUnknownLine, line_id, "succeeded", "staff:finance") == "succeeded"
    with pytest.raises(DomainError) as other:
        await world.call(ResolveUnknownLine, line_id, "failed", "staff:finance")
    assert other.value.code == "already_resolved"
    done = await world.progress(request_id)
    assert (done.status, done.succeeded, done.settled, done.held) == ("completed", 2, 400_000, 0)
    assert await world.wallet() == (100_000, 0)
    assert await world.call(VerifyLedger) == ([], [])


async def test_cancel_before_start_releases_and_nothing_is_sent(world: World) -> None:
    await world.credit(500_000)
    request_id = await world.confirmed(["09121110008", "09121110009"])
    assert (await world.call(CancelRequest, request_id, CUSTOMER)).value == "cancelled"
    await world.call(ExecuteRechargeLines, request_id)
    assert world.operator.calls == []
    assert await world.wallet() == (500_000, 0)


class NotifierDownOnce(FakeNotifier):
    """Its first notice raises ``error`` (default: the messages table unreachable; ``CancelledError``: the
    teller's process died while telling); the next ones are told."""

    def __init__(self, error: BaseException | None = None) -> None:
        super().__init__()
        self.failed = 0
        self._error = error or ConnectionError("database unreachable")

    async def notify(self, customer_id: str, *, kind: str, title: str, body: str, sms: str | None = None) -> None:
        if not self.failed:
            self.failed += 1
            raise self._error
        await super().notify(customer_id, kind=kind, title=title, body=body, sms=sms)


async def test_a_notice_that_failed_is_told_later_by_the_sweeper_once(settings: Settings) -> None:
    notifier = NotifierDownOnce()
    config = FulfilmentConfig(chunk_size=3, parallel_runs=1, notify_after_seconds=30, policy=Policy())
    async with _world(settings, FakeOperator(), config, FakeClock(), notifier) as world:
        await world.credit(500_000)
        request_id = await world.confirmed(["09121110004", "09121110005"])
        with pytest.raises(ConnectionError):
            await world.call(
                ExecuteRechargeLines, request_id
            )  # the lines are done; telling failed (the message is retried)
        assert (await world.progress(request_id)).status == "completed"
        assert notifier.failed == 1 and notifier.sent == []

        await world.call(SweepFulfilment)  # too soon: the first teller may still be at it
        assert notifier.sent == []
        world.clock.advance(seconds=31)
        await world.call(SweepFulfilment)
        await world.call(SweepFulfilment)
        [told] = notifier.sent
        assert told["kind"] == "request_finished" and told["title"] == "درخواست با موفقیت انجام شد"
        assert told["sms"] is not None and "۲ مورد موفق" in told["sms"]


class SlowNotifierDownOnce(NotifierDownOnce):
    """Fails once, then tells slowly (so tellers overlap)."""

    async def notify(self, customer_id: str, *, kind: str, title: str, body: str, sms: str | None = None) -> None:
        if self.failed:
            await asyncio.sleep(0.05)
        await super().notify(customer_id, kind=kind, title=title, body=body, sms=sms)


async def test_tellers_at_once_tell_once(settings: Settings) -> None:
    notifier = SlowNotifierDownOnce()
    config = FulfilmentConfig(chunk_size=3, parallel_runs=1, notify_after_seconds=30, policy=Policy())
    async with _world(settings, FakeOperator(), config, FakeClock(), notifier) as world:
        await world.credit(500_000)
        request_id = await world.confirmed(["09121110006", "09121110007"])
        with pytest.raises(ConnectionError):
            await world.call(ExecuteRechargeLines, request_id)  # finished; its telling failed and gave the notice up
        world.clock.advance(seconds=31)

        # the sweeper's retell and two more tellers at once (as two processes would)
        await asyncio.gather(
            world.call(SweepFulfilment), world.call(FinishNotice, request_id), world.call(FinishNotice, request_id)
        )
        assert len(notifier.sent) == 1
        await world.call(SweepFulfilment)
        assert len(notifier.sent) == 1


async def test_a_teller_that_died_is_replaced_after_its_lease(settings: Settings) -> None:
    notifier = NotifierDownOnce(asyncio.CancelledError())
    config = FulfilmentConfig(
        chunk_size=3, parallel_runs=1, notify_after_seconds=30, notice_lease_seconds=300, policy=Policy()
    )
    async with _world(settings, FakeOperator(), config, FakeClock(), notifier) as world:
        await world.credit(500_000)
        request_id = await world.confirmed(["09121110008"])
        with pytest.raises(asyncio.CancelledError):
            await world.call(ExecuteRechargeLines, request_id)
        world.clock.advance(seconds=31)
        await world.call(SweepFulfilment)  # its claim may still be a teller at work: left alone
        assert notifier.sent == []
        world.clock.advance(seconds=300)
        await world.call(SweepFulfilment)
        await world.call(SweepFulfilment)
        [told] = notifier.sent
        assert told["kind"] == "request_finished"


class SlowOperator(FakeOperator):
    """Answers after 10 ms, so calls overlap and a run's window fills."""

    async def top_up(self, request: TopUpRequest) -> TopUpOutcome:
        await asyncio.sleep(0.01)
        return await super().top_up(request)


@pytest.fixture
async def slow_world(settings: Settings) -> AsyncIterator[World]:
    """Real time (the route's rate limit must move on) and a window smaller than the request."""
    config = FulfilmentConfig(chunk_size=10, window=30, record_every_seconds=0.02, parallel_runs=2, policy=Policy())
    async with _world(settings, SlowOperator(), config, None) as found:
        yield found


async def test_runs_keep_many_calls_on_their_way_and_record_every_answer(slow_world: World) -> None:
    """Two runs, each with 30 lines on their way at most, claiming as answers come back: every line sent
    once and recorded (an answer arriving while a batch is being recorded joins the next batch)."""
    await slow_world.credit(200_000 * 80)
    mobiles = [f"0912{i:06d}5" for i in range(80)]
    request_id = await slow_world.confirmed(mobiles)
    sent = await asyncio.gather(*(slow_world.call(ExecuteRechargeLines, request_id) for _ in range(2)))
    done = await slow_world.progress(request_id)
    assert sum(sent) == 80
    assert (done.status, done.succeeded, done.sending, done.pending) == ("completed", 80, 0, 0)
    assert (done.settled, done.held) == (200_000 * 80, 0)
    assert all(len(slow_world.operator.sent_to(m)) == 1 for m in mobiles)

"""Payments and deposit slips with fakes: the rules around the money."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest

from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.wallet.approve_deposit_slip import ApproveDepositSlip
from kook.application.wallet.complete_payment import CompletePayment
from kook.application.wallet.expire_stale_payments import ExpireStalePayments
from kook.application.wallet.ports import (
    CallbackData,
    GatewayError,
    Inquiry,
    InquiryStatus,
    InspectedSlip,
    PaymentGateway,
    PaymentStart,
    SlipInspector,
    SlipStore,
    SlipTypeInvalid,
    StartedPayment,
    StoredSlip,
    Verification,
    VerifyStatus,
)
from kook.application.wallet.reject_deposit_slip import RejectDepositSlip
from kook.application.wallet.settings import WalletPolicy
from kook.application.wallet.slips import SlipKind
from kook.application.wallet.start_payment import GatewayUnavailable, StartPayment
from kook.application.wallet.submit_deposit_slip import SubmitDepositCommand, SubmitDepositSlip
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.wallet.payment import AmountOutOfRange, Payment, PaymentAlreadySettled, PaymentPolicy, PaymentStatus
from tests.fakes.clock import FakeClock
from tests.fakes.wallet import FakeNotifier, FakeWalletUnitOfWork

NOW = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)


class FakeGateway(PaymentGateway):
    name = "fake"

    def __init__(self) -> None:
        self.paid: dict[str, int] = {}
        self.verified: set[str] = set()
        self.started = 0
        self.down = False
        self.verify_calls = 0

    async def start(self, payment: PaymentStart) -> StartedPayment:
        if self.down:
            raise GatewayError("down", retryable=True)
        self.started += 1
        token = f"tok{self.started}"
        return StartedPayment(token=token, redirect_url=f"https://bank.example/{token}")

    def pay(self, token: str, amount: int) -> None:
        self.paid[token] = amount

    async def verify(self, token: str, amount: int) -> Verification:
        self.verify_calls += 1
        if token not in self.paid:
            return Verification(VerifyStatus.FAILED, code="-51")
        if self.paid[token] != amount:
            return Verification(VerifyStatus.FAILED, code="-50")
        if token in self.verified:
            return Verification(VerifyStatus.ALREADY_VERIFIED, amount=amount, reference="R1")
        self.verified.add(token)
        return Verification(VerifyStatus.VERIFIED, amount=amount, reference="R1")

    async def inquire(self, token: str) -> Inquiry:
        return Inquiry(InquiryStatus.PAID if token in self.paid else InquiryStatus.PENDING)

    async def reverse(self, token: str) -> bool:
        return True

    def parse_callback(self, params: Mapping[str, str]) -> CallbackData:
        return CallbackData(token=params.get("token"), says_ok=params.get("status") == "OK")


class FakeInspector(SlipInspector):
    def inspect(self, content: bytes, filename: str | None = None) -> InspectedSlip:
        if not content.startswith(b"\x89PNG"):
            raise SlipTypeInvalid("not_png")
        return InspectedSlip(kind=SlipKind.PNG, content=content)


class FakeStore(SlipStore):
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def save(self, content: bytes, kind: SlipKind) -> StoredSlip:
        key = f"k{len(self.files)}"
        self.files[key] = content
        return StoredSlip(key=key, kind=kind, size=len(content), sha256="")

    async def open(self, key: str) -> bytes:
        return self.files[key]

    async def delete(self, key: str) -> None:
        self.files.pop(key, None)


@pytest.fixture
def world() -> tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock]:
    return FakeWalletUnitOfWork(), FakeGateway(), FakeNotifier(), FakeClock(NOW)


async def test_payment_amount_limits(world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock]) -> None:
    uow, gateway, _, clock = world
    start = StartPayment(uow, gateway, clock, WalletPolicy())
    for amount in (9_999, 500_000_001, 0, -1):
        with pytest.raises(AmountOutOfRange):
            await start(customer_id="c", user_id="u", amount=amount, mobile=None)
    assert uow.committed.payments == {}
    started = await start(customer_id="c", user_id="u", amount=500_000_000, mobile=None)
    assert started.redirect_url.endswith("tok1")


async def test_an_unreachable_gateway_fails_the_payment_cleanly(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, gateway, _, clock = world
    gateway.down = True
    with pytest.raises(GatewayUnavailable):
        await StartPayment(uow, gateway, clock, WalletPolicy())(
            customer_id="c", user_id="u", amount=50_000, mobile=None
        )
    [payment] = uow.committed.payments.values()
    assert payment.status == PaymentStatus.FAILED


async def test_a_wrong_amount_at_the_bank_credits_nothing(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, gateway, notifier, clock = world
    started = await StartPayment(uow, gateway, clock, WalletPolicy())(
        customer_id="c", user_id="u", amount=50_000, mobile=None
    )
    gateway.pay("tok1", 5_000)  # the payer paid something else
    complete = CompletePayment(uow, gateway, LedgerPoster(clock), clock, notifier)
    payment = await complete(started.payment_id, {"token": "tok1", "status": "OK"})
    assert payment.status == PaymentStatus.PENDING and payment.bank_said_unpaid
    assert uow.committed.entries == {} and notifier.sent == []


async def test_the_callback_status_is_never_trusted(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, gateway, notifier, clock = world
    started = await StartPayment(uow, gateway, clock, WalletPolicy())(
        customer_id="c", user_id="u", amount=50_000, mobile=None
    )
    gateway.pay("tok1", 50_000)
    complete = CompletePayment(uow, gateway, LedgerPoster(clock), clock, notifier)
    # the browser says NOK, the bank says paid: the bank wins
    payment = await complete(started.payment_id, {"token": "tok1", "status": "NOK"})
    assert payment.status == PaymentStatus.VERIFIED
    assert uow.committed.wallets["c"].available == 50_000
    # a second callback, whatever it says, changes nothing and asks the bank nothing
    calls = gateway.verify_calls
    await complete(started.payment_id, {"token": "tok1", "status": "OK"})
    assert gateway.verify_calls == calls and uow.committed.wallets["c"].available == 50_000


def _settlers(
    uow: FakeWalletUnitOfWork, gateway: FakeGateway, notifier: FakeNotifier, clock: FakeClock
) -> tuple[CompletePayment, ExpireStalePayments]:
    policy = WalletPolicy(payments=PaymentPolicy(expire_after=timedelta(minutes=20)))
    return (
        CompletePayment(uow, gateway, LedgerPoster(clock), clock, notifier),
        ExpireStalePayments(uow, gateway, LedgerPoster(clock), clock, notifier, policy),
    )


async def test_a_callback_before_paying_does_not_spoil_the_payment(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, gateway, notifier, clock = world
    started = await StartPayment(uow, gateway, clock, WalletPolicy())(
        customer_id="c", user_id="u", amount=50_000, mobile=None
    )
    complete, _ = _settlers(uow, gateway, notifier, clock)
    # someone who has the callback URL calls it with status=OK before the payer has paid
    spoiled = await complete(started.payment_id, {"token": "tok1", "status": "OK"})
    assert spoiled.status == PaymentStatus.PENDING and spoiled.bank_said_unpaid
    assert uow.committed.entries == {}
    # the payer pays at the bank and comes back: credited, once
    gateway.pay("tok1", 50_000)
    paid = await complete(started.payment_id, {"token": "tok1", "status": "NOK"})
    assert paid.status == PaymentStatus.VERIFIED
    for _ in range(2):
        await complete(started.payment_id, {"token": "tok1", "status": "OK"})
    assert uow.committed.wallets["c"].available == 50_000
    assert list(uow.committed.entries) == [f"payment:{started.payment_id}"]
    assert len(notifier.sent) == 1


async def test_a_payer_who_pays_after_a_spoiling_callback_and_never_returns_is_credited_by_the_expiry_job(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, gateway, notifier, clock = world
    started = await StartPayment(uow, gateway, clock, WalletPolicy())(
        customer_id="c", user_id="u", amount=70_000, mobile=None
    )
    complete, expire = _settlers(uow, gateway, notifier, clock)
    await complete(started.payment_id, {"token": "tok1", "status": "OK"})
    gateway.pay("tok1", 70_000)
    assert await expire() == {}  # not old enough yet: the payer may still be at the bank
    clock.advance(minutes=21)
    assert await expire() == {"verified": 1}
    assert await expire() == {} and gateway.verify_calls == 2
    assert uow.committed.wallets["c"].available == 70_000 and len(uow.committed.entries) == 1


async def test_an_unpaid_payment_expires_only_after_the_inquiry_and_a_later_verified_return_still_credits(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, gateway, notifier, clock = world
    started = await StartPayment(uow, gateway, clock, WalletPolicy())(
        customer_id="c", user_id="u", amount=80_000, mobile=None
    )
    complete, expire = _settlers(uow, gateway, notifier, clock)
    clock.advance(minutes=21)
    assert await expire() == {"expired": 1}
    assert uow.committed.payments[started.payment_id].status == PaymentStatus.EXPIRED
    # the bank later says it was paid after all (the payer's return): the money is ours, so it is credited
    gateway.pay("tok1", 80_000)
    late = await complete(started.payment_id, {"token": "tok1", "status": "OK"})
    assert late.status == PaymentStatus.VERIFIED
    assert uow.committed.wallets["c"].available == 80_000 and len(uow.committed.entries) == 1


async def test_a_payment_already_marked_failed_is_reconciled_when_the_gateway_says_paid(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, gateway, notifier, clock = world
    complete, expire = _settlers(uow, gateway, notifier, clock)
    # failed by a spoiling callback before this fix: it reached the gateway (a token)
    for token, paid in (("tokA", True), ("tokB", False)):
        uow.committed.payments[f"p-{token}"] = Payment(
            id=f"p-{token}",
            customer_id="c",
            user_id="u",
            amount=60_000,
            gateway="fake",
            status=PaymentStatus.FAILED,
            created_at=NOW,
            token=token,
            result_code="-51",
        )
        if paid:
            gateway.pay(token, 60_000)
    assert await expire() == {"verified": 1, "expired": 1}
    assert await expire() == {}
    assert uow.committed.payments["p-tokA"].status == PaymentStatus.VERIFIED
    assert uow.committed.payments["p-tokB"].status == PaymentStatus.EXPIRED
    assert uow.committed.wallets["c"].available == 60_000 and len(uow.committed.entries) == 1
    # the failed one's own callback would have credited it too, but it is settled now: nothing more
    again = await complete("p-tokA", {"token": "tokA", "status": "OK"})
    assert again.status == PaymentStatus.VERIFIED and uow.committed.wallets["c"].available == 60_000


async def test_a_verify_of_another_amount_is_reversed_at_the_gateway_and_credits_nothing(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, _, notifier, clock = world

    class OtherAmount(FakeGateway):
        reversed: list[str] = []

        async def verify(self, token: str, amount: int) -> Verification:
            return Verification(VerifyStatus.VERIFIED, amount=amount + 1, reference="R1")

        async def reverse(self, token: str) -> bool:
            self.reversed.append(token)
            return True

    gateway = OtherAmount()
    started = await StartPayment(uow, gateway, clock, WalletPolicy())(
        customer_id="c", user_id="u", amount=50_000, mobile=None
    )
    complete, _ = _settlers(uow, gateway, notifier, clock)
    payment = await complete(started.payment_id, {"token": "tok1", "status": "OK"})
    assert uow.committed.payments[payment.id].status == PaymentStatus.REVERSED
    assert gateway.reversed == ["tok1"] and uow.committed.entries == {} and notifier.sent == []


def test_the_payment_state_rule() -> None:
    def payment(status: PaymentStatus, token: str | None = "t") -> Payment:
        return Payment("p", "c", "u", 10_000, "fake", status, NOW, token=token)

    assert [s for s in PaymentStatus if payment(s).is_final] == [PaymentStatus.VERIFIED, PaymentStatus.REVERSED]
    assert [s for s in PaymentStatus if payment(s).is_open] == [
        PaymentStatus.PENDING,
        PaymentStatus.FAILED,
        PaymentStatus.EXPIRED,
    ]
    assert not payment(PaymentStatus.PENDING, token=None).is_open
    for final in (PaymentStatus.VERIFIED, PaymentStatus.REVERSED):
        with pytest.raises(PaymentAlreadySettled):
            payment(final).mark_verified(NOW, "r", None, "100")
        with pytest.raises(PaymentAlreadySettled):
            payment(final).note_unpaid(NOW, "-51")
    unpaid = payment(PaymentStatus.PENDING)
    unpaid.note_unpaid(NOW, "-51")
    assert unpaid.status == PaymentStatus.PENDING and unpaid.bank_said_unpaid
    for seen in (PaymentStatus.FAILED, PaymentStatus.EXPIRED):
        late = payment(seen)
        late.mark_verified(NOW, "r", None, "100")
        assert late.status == PaymentStatus.VERIFIED


def _deposit(**changes: object) -> SubmitDepositCommand:
    values: dict[str, object] = {
        "customer_id": "c",
        "user_id": "u",
        "bank_account": "mellat",
        "amount": 2_000_000,
        "deposit_date": date(2026, 5, 20),
        "tracking_number": "۱۲۳۴۵۶",
        "slip": b"\x89PNG fake",
        "filename": "slip.png",
    }
    values.update(changes)
    return SubmitDepositCommand(**values)  # type: ignore[arg-type]


async def test_deposit_input_is_checked_and_nothing_is_stored_on_error(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, _, _, clock = world
    store = FakeStore()
    submit = SubmitDepositSlip(uow, FakeInspector(), store, clock, WalletPolicy())
    with pytest.raises(ValidationFailed) as raised:
        await submit(_deposit(bank_account="tejarat", amount=5, deposit_date=date(2026, 6, 1), tracking_number="x"))
    assert set(raised.value.fields) == {"bank_account", "amount", "deposit_date", "tracking_number"}
    with pytest.raises(SlipTypeInvalid):
        await submit(_deposit(slip=b"<html><script>alert(1)</script>", filename="slip.png"))
    assert store.files == {} and uow.committed.deposits == {}

    first = await submit(_deposit())
    assert first.tracking_number == "123456" and first.bank_account == "mellat"
    with pytest.raises(DomainError) as duplicate:
        await submit(_deposit(tracking_number="123-456"))
    assert duplicate.value.code == "deposit_duplicate"
    assert len(store.files) == 1


async def test_approve_credits_once_and_reject_needs_a_reason(
    world: tuple[FakeWalletUnitOfWork, FakeGateway, FakeNotifier, FakeClock],
) -> None:
    uow, _, notifier, clock = world
    submit = SubmitDepositSlip(uow, FakeInspector(), FakeStore(), clock, WalletPolicy())
    first = await submit(_deposit())
    second = await submit(_deposit(tracking_number="999999"))
    approve = ApproveDepositSlip(uow, LedgerPoster(clock), clock, notifier)
    await approve(first.id, "staff1")
    with pytest.raises(DomainError) as again:
        await approve(first.id, "staff1")
    assert again.value.code == "invalid_transition"
    assert uow.committed.wallets["c"].available == 2_000_000
    reject = RejectDepositSlip(uow, clock, notifier)
    with pytest.raises(ValidationFailed):
        await reject(second.id, "staff1", "  ")
    rejected = await reject(second.id, "staff1", "مبلغ فیش با مبلغ ثبت‌شده یکی نیست")
    assert rejected.reject_reason and uow.committed.wallets["c"].available == 2_000_000
    assert [n["kind"] for n in notifier.sent] == ["deposit", "deposit"]
    assert [a["action"] for a in uow.committed.audit] == ["deposit.approve", "deposit.reject"]

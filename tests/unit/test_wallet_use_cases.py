"""Payments and deposit slips with fakes: the rules around the money."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

import pytest

from kook.application.wallet.deposits import ApproveDeposit, RejectDeposit, SubmitDeposit, SubmitDepositCommand
from kook.application.wallet.gateway import (
    CallbackData,
    GatewayError,
    Inquiry,
    InquiryStatus,
    PaymentGateway,
    PaymentStart,
    StartedPayment,
    Verification,
    VerifyStatus,
)
from kook.application.wallet.ledger_poster import LedgerPoster
from kook.application.wallet.payments import CompletePayment, GatewayUnavailable, StartPayment
from kook.application.wallet.settings import WalletPolicy
from kook.application.wallet.slips import InspectedSlip, SlipInspector, SlipKind, SlipStore, SlipTypeInvalid, StoredSlip
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.wallet.payment import AmountOutOfRange, PaymentStatus
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
    assert payment.status == PaymentStatus.FAILED
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
    submit = SubmitDeposit(uow, FakeInspector(), store, clock, WalletPolicy())
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
    submit = SubmitDeposit(uow, FakeInspector(), FakeStore(), clock, WalletPolicy())
    first = await submit(_deposit())
    second = await submit(_deposit(tracking_number="999999"))
    approve = ApproveDeposit(uow, LedgerPoster(clock), clock, notifier)
    await approve(first.id, "staff1")
    with pytest.raises(DomainError) as again:
        await approve(first.id, "staff1")
    assert again.value.code == "invalid_transition"
    assert uow.committed.wallets["c"].available == 2_000_000
    reject = RejectDeposit(uow, clock, notifier)
    with pytest.raises(ValidationFailed):
        await reject(second.id, "staff1", "  ")
    rejected = await reject(second.id, "staff1", "مبلغ فیش با مبلغ ثبت‌شده یکی نیست")
    assert rejected.reject_reason and uow.committed.wallets["c"].available == 2_000_000
    assert [n["kind"] for n in notifier.sent] == ["deposit", "deposit"]
    assert [a["action"] for a in uow.committed.audit] == ["deposit.approve", "deposit.reject"]

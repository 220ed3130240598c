"""The wallet's money paths on real PostgreSQL (and SQLite where it applies):
exactly-once credits under concurrency and replay, the database's own guards,
and `kook ledger verify` finding nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from dishka import AsyncContainer, Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import CustomerNotifier
from kook.application.wallet.approve_deposit_slip import ApproveDepositSlip
from kook.application.wallet.complete_payment import CompletePayment
from kook.application.wallet.expire_stale_payments import ExpireStalePayments
from kook.application.wallet.get_wallet import GetWallet
from kook.application.wallet.ports import WalletUnitOfWork
from kook.application.wallet.start_payment import StartPayment
from kook.application.wallet.submit_deposit_slip import SubmitDepositCommand, SubmitDepositSlip
from kook.application.wallet.verify_ledger import VerifyLedger
from kook.domain.shared.errors import Conflict, DomainError
from kook.domain.wallet.ledger import EntryKind, JournalEntry, bank_account, credit_postings
from kook.domain.wallet.payment import PaymentStatus
from kook.entrypoints.ioc.containers import make_http_container
from kook.sandbox.gateway import SandboxGatewayBook, SandboxPaymentGateway
from tests.fakes.wallet import FakeNotifier
from tests.integration.conftest import _clean_pg, _off_loop, base_env

CUSTOMER = "c" * 32
USER = "u" * 32


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (40, 30), (200, 220, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG_1PX = _png()


class Notifications(Provider):
    def __init__(self, notifier: FakeNotifier) -> None:
        super().__init__()
        self._notifier = notifier

    @provide(scope=Scope.APP, override=True)
    def notifier(self) -> CustomerNotifier:
        return self._notifier


@pytest.fixture
async def wallet_world(
    migrated_pg: str, redis_url: str, tmp_path: Path
) -> AsyncIterator[tuple[AsyncContainer, FakeNotifier]]:
    from kook.entrypoints.settings import load_settings

    _off_loop(lambda: asyncio.run(_clean_pg(migrated_pg)))
    env = base_env(tmp_path) | {
        "KOOK_DATABASE_URL": migrated_pg,
        "KOOK_REDIS_URL": redis_url,
        "KOOK_WALLET_PAYMENT_EXPIRE_MINUTES": "0",  # the expiry job looks at every pending payment
    }
    settings = load_settings(env)
    notifier = FakeNotifier()
    container = make_http_container(settings, Notifications(notifier))
    SandboxPaymentGateway.clear_test_hooks()
    yield container, notifier
    await container.close()


async def call(container: AsyncContainer, use_case: type[Any], *args: Any, **kwargs: Any) -> Any:
    async with container() as scope:
        return await (await scope.get(use_case))(*args, **kwargs)


async def start_and_pay(container: AsyncContainer, amount: int = 1_000_000, *, pay: bool = True) -> tuple[str, str]:
    started = await call(container, StartPayment, customer_id=CUSTOMER, user_id=USER, amount=amount, mobile=None)
    token = started.redirect_url.rsplit("/", 1)[1]
    if pay:
        async with container() as scope:
            book = await scope.get(SandboxGatewayBook)
            await book.decide(token, pay=True)
    return started.payment_id, token


async def balance(container: AsyncContainer) -> tuple[int, int]:
    wallet = await call(container, GetWallet, CUSTOMER)
    return wallet.available, wallet.held


async def assert_books_clean(container: AsyncContainer) -> None:
    discrepancies, unbalanced = await call(container, VerifyLedger)
    assert discrepancies == [] and unbalanced == []


async def count_entries(container: AsyncContainer) -> int:
    async with container() as scope:
        engine = await scope.get(AsyncEngine)
    async with engine.connect() as connection:
        return int((await connection.execute(sa.text("SELECT count(*) FROM journal_entries"))).scalar_one())


async def test_200_concurrent_callbacks_credit_once(wallet_world: tuple[AsyncContainer, FakeNotifier]) -> None:
    container, notifier = wallet_world
    payment_id, token = await start_and_pay(container, 2_500_000)

    async def callback() -> str:
        payment = await call(container, CompletePayment, payment_id, {"token": token, "status": "OK"})
        return str(payment.status)

    results = await asyncio.gather(*(callback() for _ in range(200)))
    assert set(results) == {PaymentStatus.VERIFIED}
    assert await balance(container) == (2_500_000, 0)
    assert await count_entries(container) == 1
    assert len(notifier.sent) == 1
    await assert_books_clean(container)


async def test_forged_and_replayed_callbacks_credit_nothing(wallet_world: tuple[AsyncContainer, FakeNotifier]) -> None:
    container, _ = wallet_world
    old_id, old_token = await start_and_pay(container, 500_000)
    await call(container, CompletePayment, old_id, {"token": old_token, "status": "OK"})
    new_id, _new_token = await start_and_pay(container, 700_000, pay=False)

    # the old payment's callback replayed on the new one, and a callback that says OK for an unpaid one
    replayed = await call(container, CompletePayment, new_id, {"token": old_token, "status": "OK"})
    assert replayed.status == PaymentStatus.PENDING
    unpaid = await call(container, CompletePayment, new_id, {"token": _new_token, "status": "OK", "amount": "700000"})
    assert unpaid.status == PaymentStatus.PENDING and unpaid.bank_said_unpaid  # open: the payer may still pay
    again = await call(container, CompletePayment, old_id, {"token": old_token, "status": "OK"})
    assert again.status == PaymentStatus.VERIFIED
    with pytest.raises(DomainError):
        await call(container, CompletePayment, "f" * 32, {"token": old_token})
    assert await balance(container) == (500_000, 0)
    assert await count_entries(container) == 1
    await assert_books_clean(container)


async def test_lost_verify_answer_is_credited_once_by_the_expiry_job(
    wallet_world: tuple[AsyncContainer, FakeNotifier],
) -> None:
    container, _ = wallet_world
    payment_id, token = await start_and_pay(container, 900_000)
    SandboxPaymentGateway.fail_next_verify(token, applied=True)  # the bank verified; its answer is lost
    pending = await call(container, CompletePayment, payment_id, {"token": token, "status": "OK"})
    assert pending.status == PaymentStatus.PENDING
    assert await balance(container) == (0, 0)

    assert await call(container, ExpireStalePayments) == {"verified": 1}
    for _ in range(3):  # the job again, and the callback again: nothing more
        await call(container, ExpireStalePayments)
        await call(container, CompletePayment, payment_id, {"token": token, "status": "OK"})
    assert await balance(container) == (900_000, 0)
    assert await count_entries(container) == 1
    await assert_books_clean(container)


async def test_a_payment_marked_failed_before_it_was_paid_is_credited_once_by_the_expiry_job(
    wallet_world: tuple[AsyncContainer, FakeNotifier],
) -> None:
    """Issue 20: a premature callback used to mark payments failed for good; the
    expiry job now asks the gateway about failed payments too and credits the paid ones."""
    container, notifier = wallet_world
    paid_id, _ = await start_and_pay(container, 400_000)
    unpaid_id, _ = await start_and_pay(container, 600_000, pay=False)
    async with container() as scope:
        engine = await scope.get(AsyncEngine)
    async with engine.begin() as connection:
        await connection.execute(
            sa.text("UPDATE payments SET status = 'failed', result_code = 'not_paid' WHERE id IN (:a, :b)"),
            {"a": paid_id, "b": unpaid_id},
        )

    assert await call(container, ExpireStalePayments) == {"verified": 1, "expired": 1}
    assert await call(container, ExpireStalePayments) == {}
    assert await balance(container) == (400_000, 0)
    assert await count_entries(container) == 1 and len(notifier.sent) == 1
    await assert_books_clean(container)


async def test_failure_after_verify_reverses_at_the_gateway_and_credits_nothing(
    wallet_world: tuple[AsyncContainer, FakeNotifier], monkeypatch: pytest.MonkeyPatch
) -> None:
    container, _ = wallet_world
    payment_id, token = await start_and_pay(container, 800_000)

    async def broken_credit(*_args: Any, **_kwargs: Any) -> bool:
        raise RuntimeError("the database went away between verify and commit")

    monkeypatch.setattr(LedgerPoster, "credit", broken_credit)
    with pytest.raises(RuntimeError):
        await call(container, CompletePayment, payment_id, {"token": token, "status": "OK"})
    monkeypatch.undo()

    async with container() as scope:
        book = await scope.get(SandboxGatewayBook)
        sandbox = await book.find(token)
    assert sandbox is not None and sandbox.status == "reversed"
    after = await call(container, CompletePayment, payment_id, {"token": token, "status": "OK"})
    assert after.status == PaymentStatus.REVERSED
    await call(container, ExpireStalePayments)
    assert await balance(container) == (0, 0)
    assert await count_entries(container) == 0
    await assert_books_clean(container)


async def test_50_concurrent_approvals_of_one_slip_credit_once(
    wallet_world: tuple[AsyncContainer, FakeNotifier],
) -> None:
    container, notifier = wallet_world
    deposit = await call(
        container,
        SubmitDepositSlip,
        SubmitDepositCommand(CUSTOMER, USER, "mellat", 3_000_000, date(2026, 5, 1), "۱۲۳۴۵۶۷۸", PNG_1PX, "slip.png"),
    )

    async def approve() -> str:
        try:
            await call(container, ApproveDepositSlip, deposit.id, "s" * 32)
            return "approved"
        except DomainError as exc:
            return exc.code

    results = await asyncio.gather(*(approve() for _ in range(50)))
    assert results.count("approved") == 1
    assert set(results) - {"approved"} <= {"invalid_transition", "conflict"}
    assert await balance(container) == (3_000_000, 0)
    assert await count_entries(container) == 1
    assert len(notifier.sent) == 1
    await assert_books_clean(container)


async def test_the_same_tracking_number_cannot_be_deposited_twice_even_racing(
    wallet_world: tuple[AsyncContainer, FakeNotifier],
) -> None:
    container, _ = wallet_world

    async def submit() -> str:
        try:
            await call(
                container,
                SubmitDepositSlip,
                SubmitDepositCommand(CUSTOMER, USER, "saman", 1_000_000, date(2026, 5, 2), "998877", PNG_1PX, "a.png"),
            )
            return "ok"
        except DomainError as exc:
            return exc.code

    results = await asyncio.gather(*(submit() for _ in range(10)))
    assert results.count("ok") == 1 and set(results) == {"ok", "deposit_duplicate"}


async def test_the_database_refuses_unbalanced_or_edited_postings(
    wallet_world: tuple[AsyncContainer, FakeNotifier],
) -> None:
    container, _ = wallet_world
    payment_id, token = await start_and_pay(container, 100_000)
    await call(container, CompletePayment, payment_id, {"token": token, "status": "OK"})
    async with container() as scope:
        engine = await scope.get(AsyncEngine)
    with pytest.raises(sa.exc.DBAPIError):
        async with engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO journal_entries (id, idempotency_key, kind, memo, created_at) "
                    "VALUES ('x','x','payment','',now())"
                )
            )
            await connection.execute(
                sa.text(
                    "INSERT INTO postings (entry_id, account, amount, created_at) "
                    "VALUES ('x', 'gateway:sandbox', 5, now())"
                )
            )
    with pytest.raises(sa.exc.DBAPIError):
        async with engine.begin() as connection:
            await connection.execute(sa.text("UPDATE postings SET amount = amount * 2"))
    with pytest.raises(sa.exc.DBAPIError):
        async with engine.begin() as connection:
            await connection.execute(sa.text("UPDATE wallets SET available = -1"))
    assert await balance(container) == (100_000, 0)
    await assert_books_clean(container)


async def test_a_key_already_posted_is_refused_and_the_transaction_goes_on(
    wallet_world: tuple[AsyncContainer, FakeNotifier],
) -> None:
    """The journal's unique key is the last guard behind ``has_entry``: an entry whose key is taken is
    refused with ``Conflict``, nothing of it is written, and the transaction stays usable. A wallet
    locked for the first time is created at zero."""
    container, _ = wallet_world
    now = datetime.now(UTC)
    async with container() as scope:
        uow = await scope.get(WalletUnitOfWork)
        poster = await scope.get(LedgerPoster)
        async with uow:
            fresh = await uow.ledger.wallet_for_update(CUSTOMER)  # none yet: created
            assert (fresh.available, fresh.held) == (0, 0)
            assert await poster.credit(
                uow.ledger, CUSTOMER, 300_000, bank_account("t"), key="k1", kind=EntryKind.DEPOSIT
            )
            assert not await poster.credit(  # the same key again: nothing
                uow.ledger, CUSTOMER, 300_000, bank_account("t"), key="k1", kind=EntryKind.DEPOSIT
            )
            wallet = await uow.ledger.wallet_for_update(CUSTOMER)
            twice = JournalEntry(
                id="e" * 32,
                idempotency_key="k1",
                kind=EntryKind.DEPOSIT,
                postings=credit_postings(CUSTOMER, 500_000, bank_account("t")),
                created_at=now,
            )
            with pytest.raises(Conflict):  # past has_entry, straight to the journal
                await uow.ledger.append(twice, [(wallet, 500_000, 0)])
            assert await poster.credit(
                uow.ledger, CUSTOMER, 200_000, bank_account("t"), key="k2", kind=EntryKind.DEPOSIT
            )
            await uow.commit()
    assert await balance(container) == (500_000, 0)
    assert await count_entries(container) == 2
    await assert_books_clean(container)

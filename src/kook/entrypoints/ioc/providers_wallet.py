"""dishka wiring of the wallet: ledger, payments (sandbox or Zarinpal), deposit slips."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.payment_gateway.zarinpal import ZarinpalGateway, ZarinpalSettings
from kook.adapters.postgres.engine import ReadSessions, make_engine, make_session_factory
from kook.adapters.postgres.tables.sandbox import sandbox_gateway_payments
from kook.adapters.postgres.unit_of_work.wallet import SqlWalletUnitOfWork
from kook.adapters.slips.file_store import FileSlipStore
from kook.adapters.slips.inspector import PillowSlipInspector
from kook.application.shared.caller_facts import CallerFacts
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.ports import Clock
from kook.application.wallet.approve_deposit_slip import ApproveDepositSlip
from kook.application.wallet.complete_payment import CompletePayment
from kook.application.wallet.expire_stale_payments import ExpireStalePayments
from kook.application.wallet.get_deposit import GetDeposit
from kook.application.wallet.get_payment import GetPayment
from kook.application.wallet.get_statement import GetStatement
from kook.application.wallet.get_wallet import GetWallet
from kook.application.wallet.list_deposit_queue import ListDepositQueue
from kook.application.wallet.list_deposits import ListDeposits
from kook.application.wallet.list_payments import ListPayments
from kook.application.wallet.ports import PaymentGateway, SlipInspector, SlipStore, WalletUnitOfWork
from kook.application.wallet.reject_deposit_slip import RejectDepositSlip
from kook.application.wallet.settings import WalletPolicy
from kook.application.wallet.start_payment import StartPayment
from kook.application.wallet.submit_deposit_slip import SubmitDepositSlip
from kook.application.wallet.verify_ledger import VerifyLedger
from kook.domain.wallet.payment import PaymentPolicy
from kook.entrypoints.settings import Settings
from kook.sandbox.gateway import SandboxGatewayBook, SandboxPaymentGateway


@dataclass(frozen=True)
class SandboxGatewayDatabase:
    factory: async_sessionmaker[AsyncSession]


class WalletInfrastructure(Provider):
    scope = Scope.APP

    @provide
    def policy(self, settings: Settings) -> WalletPolicy:
        return WalletPolicy(
            payments=PaymentPolicy(
                min_amount=settings.wallet.payment_min,
                max_amount=settings.wallet.payment_max,
                expire_after=timedelta(minutes=settings.wallet.payment_expire_minutes),
            ),
            deposit_max=settings.wallet.deposit_max,
            public_url=settings.public_url,
        )

    @provide
    async def sandbox_gateway_database(self, settings: Settings) -> AsyncIterator[SandboxGatewayDatabase]:
        """The sandbox gateway's book, kept apart as a real gateway is another
        system: a verify made while a request holds the wallet's lock must never
        wait on that request's own pool (PostgreSQL) or database lock (SQLite,
        where the book therefore lives in a file of its own)."""
        if settings.is_sqlite:
            url = f"sqlite+aiosqlite:///{Path(settings.data_dir) / 'sandbox_gateway.db'}"
            engine = make_engine(url)
            async with engine.begin() as connection:
                await connection.run_sync(lambda sync: sandbox_gateway_payments.create(sync, checkfirst=True))
        else:
            engine = make_engine(settings.database_url, pool_size=5)
        yield SandboxGatewayDatabase(make_session_factory(engine))
        await engine.dispose()

    @provide
    async def gateway(
        self, settings: Settings, clock: Clock, sandbox: SandboxGatewayDatabase
    ) -> AsyncIterator[PaymentGateway]:
        if settings.payment_gateway == "sandbox":
            yield SandboxPaymentGateway(sandbox.factory, settings.public_url, clock)
            return
        gateway = ZarinpalGateway(
            ZarinpalSettings(
                merchant_id=settings.zarinpal.merchant_id,
                base_url=settings.zarinpal.base_url,
                start_base_url=settings.zarinpal.start_base_url,
                timeout_seconds=settings.zarinpal.timeout,
            )
        )
        yield gateway
        await gateway.aclose()

    @provide
    def sandbox_book(self, sandbox: SandboxGatewayDatabase, clock: Clock) -> SandboxGatewayBook:
        return SandboxGatewayBook(sandbox.factory, clock)

    @provide
    def slip_inspector(self) -> SlipInspector:
        return PillowSlipInspector()

    @provide
    def slip_store(self, settings: Settings) -> SlipStore:
        return FileSlipStore(Path(settings.data_dir) / "slips")

    @provide
    def poster(self, clock: Clock) -> LedgerPoster:
        return LedgerPoster(clock)


class WalletUseCases(Provider):
    scope = Scope.REQUEST

    @provide
    def unit_of_work(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> WalletUnitOfWork:
        return SqlWalletUnitOfWork(factory, clock)

    @provide
    def get_wallet(self, reads: ReadSessions, clock: Clock, facts: CallerFacts) -> GetWallet:
        """One SELECT of the wallet row: in autocommit, see ReadSessions; a read request's row comes with its
        caller (CallerFacts)."""
        return GetWallet(SqlWalletUnitOfWork(reads.factory, clock), facts.wallets)

    statement = provide(GetStatement)
    list_payments = provide(ListPayments)
    get_payment = provide(GetPayment)
    list_deposits = provide(ListDeposits)
    deposit_queue = provide(ListDepositQueue)
    get_deposit = provide(GetDeposit)
    verify_ledger = provide(VerifyLedger)
    start_payment = provide(StartPayment)
    complete_payment = provide(CompletePayment)
    expire_payments = provide(ExpireStalePayments)
    submit_deposit = provide(SubmitDepositSlip)
    approve_deposit = provide(ApproveDepositSlip)
    reject_deposit = provide(RejectDepositSlip)

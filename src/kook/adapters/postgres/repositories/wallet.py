"""The ledger and the wallet's records in SQL.

Postings are only ever inserted. Wallet figures move with a conditional
UPDATE in the same transaction, so a figure cannot go below zero even if a
caller skipped the domain's check (and the CHECK constraints stand behind it).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.tables import wallet as t
from kook.application.shared.ports import LedgerRepository, StatementLine
from kook.application.wallet.ports import DepositRepository, PaymentRepository
from kook.domain.shared.errors import Conflict
from kook.domain.wallet.deposit import DepositDuplicate, DepositSlip, DepositStatus
from kook.domain.wallet.ledger import Discrepancy, InsufficientFunds, JournalEntry, Wallet
from kook.domain.wallet.payment import Payment, PaymentStatus


class SqlLedgerRepository(LedgerRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
        dialect = self._session.bind.dialect.name if self._session.bind else "postgresql"
        return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)

    async def _ensure_wallet(self, customer_id: str) -> None:
        await self._session.execute(
            self._insert(t.wallets)
            .values(customer_id=customer_id, available=0, held=0)
            .on_conflict_do_nothing(index_elements=["customer_id"])
        )

    async def wallet_for_update(self, customer_id: str) -> Wallet:
        # the wallet nearly always exists: lock it straight away (one round trip); create it only when missing
        # (two creators at once: the unique key makes the second wait, then do nothing)
        query = sa.select(t.wallets).where(t.wallets.c.customer_id == customer_id).with_for_update()
        row = (await self._session.execute(query)).first()
        if row is None:
            await self._ensure_wallet(customer_id)
            row = (await self._session.execute(query)).one()
        return Wallet(customer_id=customer_id, available=row.available, held=row.held, updated_at=row.updated_at)

    async def wallet(self, customer_id: str) -> Wallet | None:
        row = (await self._session.execute(sa.select(t.wallets).where(t.wallets.c.customer_id == customer_id))).first()
        if row is None:
            return None
        return Wallet(customer_id=customer_id, available=row.available, held=row.held, updated_at=row.updated_at)

    async def has_entry(self, idempotency_key: str) -> bool:
        found = await self._session.execute(
            sa.select(t.journal_entries.c.id).where(t.journal_entries.c.idempotency_key == idempotency_key)
        )
        return found.first() is not None

    async def append(self, entry: JournalEntry, wallets: list[tuple[Wallet, int, int]]) -> None:
        # ON CONFLICT DO NOTHING instead of a savepoint around a plain INSERT: the same refusal, two round trips
        # fewer on every posting (SAVEPOINT, RELEASE)
        inserted = await self._session.execute(
            self._insert(t.journal_entries)
            .values(
                id=entry.id,
                idempotency_key=entry.idempotency_key,
                kind=entry.kind,
                memo=entry.memo[:200],
                created_at=entry.created_at,
            )
            .on_conflict_do_nothing()
            .returning(t.journal_entries.c.id)
        )
        if inserted.first() is None:
            raise Conflict(details={"idempotency_key": entry.idempotency_key})
        await self._session.execute(
            t.postings.insert(),
            [
                {
                    "entry_id": entry.id,
                    "account": p.account,
                    "customer_id": p.customer_id,
                    "amount": p.amount,
                    "created_at": entry.created_at,
                }
                for p in entry.postings
            ],
        )
        for wallet, d_available, d_held in wallets:
            c = t.wallets.c
            result = await self._session.execute(
                t.wallets.update()
                .where(
                    c.customer_id == wallet.customer_id,
                    c.available + d_available >= 0,
                    c.held + d_held >= 0,
                )
                .values(available=c.available + d_available, held=c.held + d_held, updated_at=entry.created_at)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise InsufficientFunds(shortfall=max(0, -(wallet.available)))

    async def statement(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[StatementLine]:
        e, p = t.journal_entries.c, t.postings.c
        available = f"customer:{customer_id}:available"
        held = f"customer:{customer_id}:held"
        query = (
            sa.select(
                e.id,
                e.kind,
                e.memo,
                e.created_at,
                sa.func.sum(sa.case((p.account == available, p.amount), else_=0)).label("d_available"),
                sa.func.sum(sa.case((p.account == held, p.amount), else_=0)).label("d_held"),
            )
            .join(t.postings, p.entry_id == e.id)
            .where(p.customer_id == customer_id)
            .group_by(e.id, e.kind, e.memo, e.created_at)
            .order_by(e.created_at.desc(), e.id.desc())
            .limit(limit)
        )
        if before is not None:
            moment, entry_id = before
            query = query.where(sa.or_(e.created_at < moment, sa.and_(e.created_at == moment, e.id < entry_id)))
        rows = (await self._session.execute(query)).all()
        return [
            StatementLine(
                entry_id=r.id,
                kind=str(r.kind),
                memo=r.memo,
                created_at=r.created_at,
                available_change=int(r.d_available),
                held_change=int(r.d_held),
            )
            for r in rows
        ]

    async def verify(self) -> list[Discrepancy]:
        p, w = t.postings.c, t.wallets.c
        posted = (
            sa.select(
                p.customer_id,
                sa.func.sum(sa.case((p.account.like("%:available"), p.amount), else_=0)).label("available"),
                sa.func.sum(sa.case((p.account.like("%:held"), p.amount), else_=0)).label("held"),
            )
            .where(p.customer_id.is_not(None))
            .group_by(p.customer_id)
            .subquery()
        )
        query = sa.select(
            sa.func.coalesce(w.customer_id, posted.c.customer_id).label("customer_id"),
            sa.func.coalesce(w.available, 0).label("stored_available"),
            sa.func.coalesce(w.held, 0).label("stored_held"),
            sa.func.coalesce(posted.c.available, 0).label("posted_available"),
            sa.func.coalesce(posted.c.held, 0).label("posted_held"),
        ).select_from(t.wallets.join(posted, posted.c.customer_id == w.customer_id, full=True))
        rows = (await self._session.execute(query)).all()
        return [
            Discrepancy(
                customer_id=r.customer_id,
                stored_available=int(r.stored_available),
                stored_held=int(r.stored_held),
                posted_available=int(r.posted_available),
                posted_held=int(r.posted_held),
            )
            for r in rows
            if (r.stored_available, r.stored_held) != (r.posted_available, r.posted_held)
        ]

    async def unbalanced_entries(self) -> list[str]:
        p = t.postings.c
        rows = await self._session.execute(
            sa.select(p.entry_id).group_by(p.entry_id).having(sa.func.sum(p.amount) != 0)
        )
        orphans = await self._session.execute(
            sa.select(t.journal_entries.c.id).where(~sa.exists().where(p.entry_id == t.journal_entries.c.id))
        )
        return [r[0] for r in rows] + [r[0] for r in orphans]


def _cursor_filter(
    created: sa.ColumnElement[datetime], ident: sa.ColumnElement[str], before: tuple[datetime, str] | None
) -> sa.ColumnElement[bool]:
    if before is None:
        return sa.true()
    moment, last_id = before
    return sa.or_(created < moment, sa.and_(created == moment, ident < last_id))


class SqlPaymentRepository(PaymentRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        query = sa.select(Payment).where(t.payments.c.id == payment_id)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def by_token(self, gateway: str, token: str) -> Payment | None:
        query = sa.select(Payment).where(t.payments.c.gateway == gateway, t.payments.c.token == token)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add(self, payment: Payment) -> None:
        self._session.add(payment)
        await flush_or_conflict(self._session)

    async def for_customer(self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int) -> list[Payment]:
        c = t.payments.c
        query = (
            sa.select(Payment)
            .where(c.customer_id == customer_id, _cursor_filter(c.created_at, c.id, before))
            .order_by(c.created_at.desc(), c.id.desc())
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def stale(self, older_than: datetime, limit: int) -> list[Payment]:
        c = t.payments.c
        query = (
            sa.select(Payment)
            .where(
                sa.or_(
                    sa.and_(c.status == PaymentStatus.PENDING, c.created_at < older_than),
                    sa.and_(c.status == PaymentStatus.FAILED, c.token.is_not(None)),
                )
            )
            .order_by(c.created_at)
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())


class SqlDepositRepository(DepositRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, deposit_id: str, *, for_update: bool = False) -> DepositSlip | None:
        query = sa.select(DepositSlip).where(t.deposits.c.id == deposit_id)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add(self, deposit: DepositSlip) -> None:
        self._session.add(deposit)
        try:
            await self._session.flush()
        except IntegrityError as exc:
            raise DepositDuplicate() from exc

    async def exists(self, bank_account: str, tracking_number: str) -> bool:
        c = t.deposits.c
        found = await self._session.execute(
            sa.select(c.id).where(c.bank_account == bank_account, c.tracking_number == tracking_number)
        )
        return found.first() is not None

    async def for_customer(
        self, customer_id: str, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[DepositSlip]:
        c = t.deposits.c
        query = (
            sa.select(DepositSlip)
            .where(c.customer_id == customer_id, _cursor_filter(c.created_at, c.id, before))
            .order_by(c.created_at.desc(), c.id.desc())
            .limit(limit)
        )
        return list((await self._session.execute(query)).scalars())

    async def by_status(
        self, status: str | None, *, before: tuple[datetime, str] | None, limit: int
    ) -> list[DepositSlip]:
        c = t.deposits.c
        query = sa.select(DepositSlip).where(_cursor_filter(c.created_at, c.id, before))
        if status:
            query = query.where(c.status == DepositStatus(status))
        query = query.order_by(c.created_at.desc(), c.id.desc()).limit(limit)
        return list((await self._session.execute(query)).scalars())

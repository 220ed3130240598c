"""Wallet tables: the ledger (append-only), wallet figures, payments, deposit slips."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime, str_enum
from kook.domain.wallet.deposit import DepositStatus
from kook.domain.wallet.ledger import EntryKind
from kook.domain.wallet.payment import PaymentStatus

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

journal_entries = sa.Table(
    "journal_entries",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("kind", str_enum(EntryKind), nullable=False),
    sa.Column("memo", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

postings = sa.Table(
    "postings",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("entry_id", sa.String(32), sa.ForeignKey("journal_entries.id"), nullable=False, index=True),
    sa.Column("account", sa.String(120), nullable=False, index=True),
    sa.Column("customer_id", sa.String(32), nullable=True, index=True),
    sa.Column("amount", sa.BigInteger(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("amount <> 0", name="amount_not_zero"),
)

wallets = sa.Table(
    "wallets",
    metadata,
    sa.Column("customer_id", sa.String(32), primary_key=True),
    sa.Column("available", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("held", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("updated_at", UtcDateTime(), nullable=True),
    sa.CheckConstraint("available >= 0", name="available_not_negative"),
    sa.CheckConstraint("held >= 0", name="held_not_negative"),
)

payments = sa.Table(
    "payments",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("customer_id", sa.String(32), nullable=False, index=True),
    sa.Column("user_id", sa.String(32), nullable=False),
    sa.Column("amount", sa.BigInteger(), nullable=False),
    sa.Column("gateway", sa.String(32), nullable=False),
    sa.Column("status", str_enum(PaymentStatus), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("token", sa.String(128), nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=True),
    sa.Column("verified_at", UtcDateTime(), nullable=True),
    sa.Column("reference", sa.String(64), nullable=True),
    sa.Column("card_mask", sa.String(32), nullable=True),
    sa.Column("result_code", sa.String(32), nullable=True),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.UniqueConstraint("gateway", "token", name="uq_payments_gateway_token"),
)

deposits = sa.Table(
    "deposits",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("customer_id", sa.String(32), nullable=False, index=True),
    sa.Column("user_id", sa.String(32), nullable=False),
    sa.Column("bank_account", sa.String(32), nullable=False),
    sa.Column("amount", sa.BigInteger(), nullable=False),
    sa.Column("deposit_date", sa.Date(), nullable=False),
    sa.Column("tracking_number", sa.String(30), nullable=False),
    sa.Column("slip_key", sa.String(64), nullable=False),
    sa.Column("slip_kind", sa.String(8), nullable=False),
    sa.Column("slip_size", sa.Integer(), nullable=False),
    sa.Column("status", str_enum(DepositStatus), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("decided_by", sa.String(32), nullable=True),
    sa.Column("reject_reason", sa.String(500), nullable=True),
    sa.CheckConstraint("amount > 0", name="amount_positive"),
    sa.UniqueConstraint("bank_account", "tracking_number", name="uq_deposits_account_tracking"),
)

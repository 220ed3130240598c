"""Wallet: ledger accounts, journal entries, payments, deposit slips.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

On PostgreSQL the database itself refuses an unbalanced journal entry (a
deferred constraint trigger checks each entry's postings at commit) and any
UPDATE or DELETE of the ledger (append-only); on SQLite the append-only rule
is a trigger too, and balance is checked by the domain and `kook ledger verify`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION kook_check_entry_balanced() RETURNS trigger AS $$
BEGIN
  IF (SELECT COALESCE(SUM(amount), 0) FROM postings WHERE entry_id = NEW.entry_id) <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance', NEW.entry_id USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION kook_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the % table is append-only', TG_TABLE_NAME USING ERRCODE = '42501';
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("memo", sa.String(200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_journal_entries_idempotency_key")),
    )
    op.create_table(
        "postings",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(32), nullable=False),
        sa.Column("account", sa.String(120), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_postings_amount_not_zero")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entries.id"], name=op.f("fk_postings_entry_id_journal_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postings")),
    )
    op.create_index(op.f("ix_postings_entry_id"), "postings", ["entry_id"])
    op.create_index(op.f("ix_postings_account"), "postings", ["account"])
    op.create_index(op.f("ix_postings_customer_id"), "postings", ["customer_id"])
    op.create_table(
        "wallets",
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("available", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("held", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("available >= 0", name=op.f("ck_wallets_available_not_negative")),
        sa.CheckConstraint("held >= 0", name=op.f("ck_wallets_held_not_negative")),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_wallets")),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("gateway", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token", sa.String(128), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("card_mask", sa.String(32), nullable=True),
        sa.Column("result_code", sa.String(32), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("gateway", "token", name="uq_payments_gateway_token"),
    )
    op.create_index(op.f("ix_payments_customer_id"), "payments", ["customer_id"])
    op.create_index(op.f("ix_payments_status"), "payments", ["status"])
    op.create_table(
        "deposits",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("bank_account", sa.String(32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("deposit_date", sa.Date(), nullable=False),
        sa.Column("tracking_number", sa.String(30), nullable=False),
        sa.Column("slip_key", sa.String(64), nullable=False),
        sa.Column("slip_kind", sa.String(8), nullable=False),
        sa.Column("slip_size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(32), nullable=True),
        sa.Column("reject_reason", sa.String(500), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_deposits_amount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposits")),
        sa.UniqueConstraint("bank_account", "tracking_number", name="uq_deposits_account_tracking"),
    )
    op.create_index(op.f("ix_deposits_customer_id"), "deposits", ["customer_id"])
    op.create_index(op.f("ix_deposits_status"), "deposits", ["status"])

    # the sandbox bank gateway's own book (used only when KOOK_ENV is dev or test)
    op.create_table(
        "sandbox_gateway_payments",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("payment_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("callback_url", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("verify_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_sandbox_gateway_payments")),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTIONS)
        op.execute(PG_APPEND_ONLY)
        op.execute(
            "CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kook_check_entry_balanced()"
        )
        for table in ("postings", "journal_entries"):
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION kook_append_only()"
            )
    else:
        for table in ("postings", "journal_entries"):
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the {table} table is append-only'); END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("postings", "journal_entries"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP TRIGGER IF EXISTS postings_balanced ON postings")
        op.execute("DROP FUNCTION IF EXISTS kook_check_entry_balanced()")
        op.execute("DROP FUNCTION IF EXISTS kook_append_only()")
    else:
        for table in ("postings", "journal_entries"):
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    op.drop_table("sandbox_gateway_payments")
    op.drop_table("deposits")
    op.drop_table("payments")
    op.drop_table("wallets")
    op.drop_table("postings")
    op.drop_table("journal_entries")

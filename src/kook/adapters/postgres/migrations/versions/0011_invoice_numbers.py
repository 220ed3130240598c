"""Invoices: a gapless invoice number per Jalali year, issued once per finished request.

``invoice_counters`` holds the last number of each year; issuing locks its row
(SELECT … FOR UPDATE; SQLite's single writer) so two requests never get the
same number and a rolled-back issue leaves no gap.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("last_number >= 0", name=op.f("ck_invoice_counters_last_number_not_negative")),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_invoice_counters")),
    )
    op.create_table(
        "invoices",
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("vat_percent", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("number > 0", name=op.f("ck_invoices_number_positive")),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name=op.f("fk_invoices_request_id_requests")),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("year", "number", name=op.f("uq_invoices_year_number")),
    )
    op.create_index(op.f("ix_invoices_customer_id"), "invoices", ["customer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invoices_customer_id"), table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("invoice_counters")

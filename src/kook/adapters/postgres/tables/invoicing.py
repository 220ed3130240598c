"""Invoice numbers (0011): one counter row per Jalali year, one issued number per finished request."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime

# The last number issued in a Jalali year; locked (SELECT … FOR UPDATE) while the next one is issued.
invoice_counters = sa.Table(
    "invoice_counters",
    metadata,
    sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("last_number", sa.Integer(), nullable=False, server_default="0"),
    sa.CheckConstraint("last_number >= 0", name="last_number_not_negative"),
)

invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("request_id", sa.String(32), sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("customer_id", sa.String(32), nullable=False, index=True),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("vat_percent", sa.Integer(), nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("year", "number", name="uq_invoices_year_number"),
    sa.CheckConstraint("number > 0", name="number_positive"),
)

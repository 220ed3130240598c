"""Reporting tables: background exports of large reports (a file kept for a day)."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime

report_exports = sa.Table(
    "report_exports",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner_id", sa.String(32), nullable=False),  # the user (or staff member) who asked: only they download
    sa.Column("customer_id", sa.String(32), nullable=True),  # the filter's customer; None: staff across customers
    sa.Column("kind", sa.String(32), nullable=False),  # "transactions"
    sa.Column("filter", sa.Text(), nullable=False),  # the query as typed (JSON): the job checks it again
    sa.Column("status", sa.String(16), nullable=False),  # queued | running | done | failed
    sa.Column("rows_total", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("rows_done", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("file_key", sa.String(64), nullable=True),
    sa.Column("size", sa.BigInteger(), nullable=True),
    sa.Column("error", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=True),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Index("ix_report_exports_owner_id_created_at", "owner_id", "created_at"),
    sa.Index("ix_report_exports_expires_at", "expires_at"),
)

# ریز تراکنش's totals, rolled up (migration 0015). A database trigger on request_lines appends a delta row for
# every change a report can see (a line sent, its status, operator, product, package, amount or send time
# changed, a line deleted): insert-only, so no two writers ever wait on each other. The ``reports.fold_totals``
# job folds the deltas into report_line_totals, one row per customer (and '*' for all customers), rollup day,
# status, operator, product and package. A reader sums both tables in one statement (one snapshot).
# The rollup day is the UTC date of sent_at + 3:30 (Tehran's day; see readers/transactions.py).
ALL_CUSTOMERS = "*"


def _rollup_key() -> list[sa.Column[object]]:
    return [
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("operator", sa.SmallInteger(), nullable=False),  # 0: none
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("package_code", sa.String(32), nullable=False),  # '': none
    ]


report_line_totals = sa.Table(
    "report_line_totals",
    metadata,
    *_rollup_key(),
    sa.Column("lines", sa.BigInteger(), nullable=False),
    sa.Column("amount", sa.BigInteger(), nullable=False),
    # on PostgreSQL the key covers the figures too: a year of a customer's totals is an index-only scan
    sa.PrimaryKeyConstraint(
        "customer_id", "day", "status", "operator", "product", "package_code", postgresql_include=["lines", "amount"]
    ),
)

report_line_deltas = sa.Table(
    "report_line_deltas",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
    *_rollup_key(),
    sa.Column("lines", sa.Integer(), nullable=False),  # +1 or -1
    sa.Column("amount", sa.BigInteger(), nullable=False),
)

"""Reports at scale: covering indexes for the transaction report, and background exports.

The two report indexes of 0010 are made covering on PostgreSQL (INCLUDE the
columns filters and totals read), so the ids of a page and the totals of a
customer's million lines are index-only scans; mobile and request filters get
indexes of their own in the report's order. ``report_exports`` keeps large
exports made in the background (a file under KOOK_DATA_DIR/exports, kept a day).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SENT = "sent_at IS NOT NULL"
_COVERED = ["status", "operator", "product", "package_code", "amount", "price"]


def _report_indexes(include: list[str] | None) -> None:
    extra: dict[str, Any] = {"postgresql_include": include} if include else {}
    op.create_index(
        "ix_request_lines_customer_sent_at_id",
        "request_lines",
        ["customer_id", "sent_at", "id"],
        postgresql_where=sa.text(_SENT),
        sqlite_where=sa.text(_SENT),
        **extra,
    )
    op.create_index(
        "ix_request_lines_sent_at_id",
        "request_lines",
        ["sent_at", "id"],
        postgresql_where=sa.text(_SENT),
        sqlite_where=sa.text(_SENT),
        **extra,
    )


def _drop_report_indexes() -> None:
    op.drop_index("ix_request_lines_sent_at_id", table_name="request_lines")
    op.drop_index("ix_request_lines_customer_sent_at_id", table_name="request_lines")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_report_indexes()
        _report_indexes(_COVERED)
    for name, first in (
        ("ix_request_lines_mobile_sent_at_id", "mobile"),
        ("ix_request_lines_request_sent_at_id", "request_id"),
    ):
        op.create_index(
            name,
            "request_lines",
            [first, "sent_at", "id"],
            postgresql_where=sa.text(_SENT),
            sqlite_where=sa.text(_SENT),
        )
    op.create_table(
        "report_exports",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("filter", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rows_done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("file_key", sa.String(64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_exports")),
    )
    op.create_index("ix_report_exports_owner_id_created_at", "report_exports", ["owner_id", "created_at"])
    op.create_index("ix_report_exports_expires_at", "report_exports", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_report_exports_expires_at", table_name="report_exports")
    op.drop_index("ix_report_exports_owner_id_created_at", table_name="report_exports")
    op.drop_table("report_exports")
    op.drop_index("ix_request_lines_request_sent_at_id", table_name="request_lines")
    op.drop_index("ix_request_lines_mobile_sent_at_id", table_name="request_lines")
    if op.get_bind().dialect.name == "postgresql":
        _drop_report_indexes()
        _report_indexes(None)

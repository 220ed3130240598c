"""Runs of repeating requests: upcoming runs skipped, and a log of occurrences that made no run (not funded,
skipped) and of short-wallet reminders, one row per (template, occurrence, kind) so each is told once.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNSENT = "sent_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(sa.Column("skipped_runs", sa.Text(), nullable=True))
    op.create_table(
        "request_run_log",
        sa.Column("parent_id", sa.String(32), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("run_number", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("available", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("body", sa.Text(), nullable=False, server_default=""),
        sa.Column("sms", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("parent_id", "run_at", "kind"),
    )
    op.create_index(
        "ix_request_run_log_unsent",
        "request_run_log",
        ["claimed_at"],
        postgresql_where=sa.text(_UNSENT),
        sqlite_where=sa.text(_UNSENT),
    )


def downgrade() -> None:
    op.drop_index("ix_request_run_log_unsent", table_name="request_run_log")
    op.drop_table("request_run_log")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("skipped_runs")

"""Scheduled and repeating requests; answers kept for Idempotency-Key headers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _request_columns() -> tuple[sa.Column[Any], ...]:
    return (
        sa.Column("schedule_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("repeat", sa.Text(), nullable=True),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("runs_started", sa.Integer(), server_default="0", nullable=False),
        sa.Column("parent_id", sa.String(32), nullable=True),
        sa.Column("run_number", sa.Integer(), nullable=True),
    )


def upgrade() -> None:
    for column in _request_columns():
        op.add_column("requests", column)
    op.create_index("ix_requests_status_next_run_at", "requests", ["status", "next_run_at"])
    op.create_index("ux_requests_parent_run", "requests", ["parent_id", "run_number"], unique=True)
    op.create_table(
        "idempotency_keys",
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("method_path", sa.String(300), nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", "key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_index("ux_requests_parent_run", table_name="requests")
    op.drop_index("ix_requests_status_next_run_at", table_name="requests")
    with op.batch_alter_table("requests") as batch:
        for column in reversed(_request_columns()):
            batch.drop_column(column.name)

"""Fulfilment: what each line's sending did, and the money each request has moved.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _request_columns() -> tuple[sa.Column[Any], ...]:
    return (
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("released", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worked_at", sa.DateTime(timezone=True), nullable=True),
    )


def _line_columns() -> tuple[sa.Column[Any], ...]:
    return (
        sa.Column("attempt", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_code", sa.String(64), nullable=True),
        sa.Column("provider_ref", sa.String(128), nullable=True),
        sa.Column("checks", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unknown_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("resolved_by", sa.String(64), nullable=True),
    )


_PARTIAL = (
    ("ix_request_lines_sending_sent_at", "sent_at", "sending"),
    ("ix_request_lines_unknown_next_check_at", "next_check_at", "unknown"),
)


def _widen_status(length: int) -> None:
    # "completed_with_failures" needs more than 16; SQLite does not enforce a VARCHAR length
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("requests", "status", type_=sa.String(length), existing_nullable=False)


def upgrade() -> None:
    _widen_status(32)
    for column in _request_columns():
        op.add_column("requests", column)
    op.create_index("ix_requests_status", "requests", ["status"])
    for column in _line_columns():
        op.add_column("request_lines", column)
    # partial: only lines being sent or of unknown outcome enter them (bulk inserts of waiting lines pay nothing)
    for name, indexed, status in _PARTIAL:
        where = sa.text(f"status = '{status}'")
        op.create_index(name, "request_lines", [indexed], postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    _widen_status(16)
    for name, _column, _status in _PARTIAL:
        op.drop_index(name, table_name="request_lines")
    with op.batch_alter_table("request_lines") as batch:
        for column in reversed(_line_columns()):
            batch.drop_column(column.name)
    op.drop_index("ix_requests_status", table_name="requests")
    with op.batch_alter_table("requests") as batch:
        for column in reversed(_request_columns()):
            batch.drop_column(column.name)

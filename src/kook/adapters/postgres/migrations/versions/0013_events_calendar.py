"""Events and calendar (issue 15): the customer's events with a reminder claimed once,
the private calendar feed's secret, and the low-balance alert (threshold, once per crossing).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remind_minutes", sa.Integer(), nullable=True),
        sa.Column("remind_message", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("remind_sms", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("remind_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_events_user_at", "events", ["user_id", "at"])
    op.create_index(
        "ix_events_due",
        "events",
        ["remind_at"],
        postgresql_where=sa.text("reminded_at IS NULL"),
        sqlite_where=sa.text("reminded_at IS NULL"),
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "balance_alerts",
        sa.Column("customer_id", sa.String(32), sa.ForeignKey("customers.id"), primary_key=True),
        sa.Column("threshold", sa.BigInteger(), nullable=False),
        sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("balance_alerts")
    op.drop_table("calendar_feeds")
    op.drop_index("ix_events_due", table_name="events")
    op.drop_index("ix_events_user_at", table_name="events")
    op.drop_table("events")

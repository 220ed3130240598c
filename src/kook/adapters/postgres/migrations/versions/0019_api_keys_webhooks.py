"""API keys with scopes, staff keys and per-key limits; webhook endpoints and their delivery outbox.

``api_keys`` gains ``scopes`` (keys made before keep every customer scope), ``staff_id`` (a staff member's key;
``user_id`` becomes optional) and ``per_minute``. ``webhook_endpoints`` and ``webhook_deliveries`` (the outbox
written in the event's own transaction).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALL_CUSTOMER_SCOPES = "reports:read requests:read requests:write wallet:read"


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("scopes", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("staff_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("per_minute", sa.Integer(), nullable=False, server_default="120"))
        batch.alter_column("user_id", existing_type=sa.String(32), nullable=True)
        batch.create_foreign_key("fk_api_keys_staff_id_staff", "staff", ["staff_id"], ["id"])
        batch.create_index("ix_api_keys_staff_id", ["staff_id"])
    keys = sa.table("api_keys", sa.column("scopes", sa.String), sa.column("staff_id", sa.String))
    op.execute(keys.update().where(keys.c.staff_id.is_(None)).values(scopes=ALL_CUSTOMER_SCOPES))

    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", sa.String(200), nullable=False),
        sa.Column("secret_salt", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_webhook_endpoints_customer_id", "webhook_endpoints", ["customer_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("endpoint_id", sa.String(32), sa.ForeignKey("webhook_endpoints.id"), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("give_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_webhook_deliveries_endpoint_id", "webhook_deliveries", ["endpoint_id"])
    op.create_index("ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_webhook_deliveries_customer_created", "webhook_deliveries", ["customer_id", "created_at"])


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
    op.execute(sa.text("DELETE FROM api_keys WHERE user_id IS NULL"))
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_index("ix_api_keys_staff_id")
        batch.drop_constraint("fk_api_keys_staff_id_staff", type_="foreignkey")
        batch.alter_column("user_id", existing_type=sa.String(32), nullable=False)
        batch.drop_column("per_minute")
        batch.drop_column("staff_id")
        batch.drop_column("scopes")

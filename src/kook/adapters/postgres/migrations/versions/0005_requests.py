"""Bulk requests: requests, uploads, lines.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total_held", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    op.create_index(op.f("ix_requests_customer_id"), "requests", ["customer_id"])
    op.create_table(
        "request_uploads",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(255), server_default="", nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("valid", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("headers", sa.Text(), server_default="[]", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name=op.f("fk_request_uploads_request_id_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_uploads")),
    )
    op.create_index(op.f("ix_request_uploads_request_id"), "request_uploads", ["request_id"])
    op.create_table(
        "request_lines",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(32), nullable=False),
        sa.Column("upload_id", sa.String(32), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("mobile", sa.String(32), nullable=False),
        sa.Column("operator", sa.SmallInteger(), nullable=True),
        sa.Column("ported", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("package_code", sa.String(32), nullable=True),
        sa.Column("package_title", sa.String(120), nullable=True),
        sa.Column("price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_column", sa.String(32), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("duplicate", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("cells", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name=op.f("fk_request_lines_request_id_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_lines")),
    )
    op.create_index("ix_request_lines_request_status_id", "request_lines", ["request_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_request_lines_request_status_id", table_name="request_lines")
    op.drop_table("request_lines")
    op.drop_index(op.f("ix_request_uploads_request_id"), table_name="request_uploads")
    op.drop_table("request_uploads")
    op.drop_index(op.f("ix_requests_customer_id"), table_name="requests")
    op.drop_table("requests")

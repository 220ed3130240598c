"""Catalogue and routing: operators, prefixes, packages, routes; the sandbox operator's ledger.

Seeds the operators (default airtime bounds), the public prefix allocations,
a sample package catalogue and one route per operator from
``kook/adapters/postgres/seed/``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from kook.adapters.postgres.seed.catalog import seed_rows

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "operators",
        sa.Column("code", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("name_fa", sa.String(length=40), nullable=False),
        sa.Column("name_en", sa.String(length=40), nullable=False),
        sa.Column("airtime_min", sa.BigInteger(), nullable=False),
        sa.Column("airtime_max", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_operators")),
    )
    op.create_table(
        "operator_prefixes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("prefix", sa.String(length=10), nullable=False),
        sa.Column("operator", sa.SmallInteger(), nullable=True),
        sa.Column("note", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator"], ["operators.code"], name=op.f("fk_operator_prefixes_operator_operators")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator_prefixes")),
        sa.UniqueConstraint("prefix", name=op.f("uq_operator_prefixes_prefix")),
    )
    op.create_table(
        "packages",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("operator", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("volume_mb", sa.Integer(), nullable=False),
        sa.Column("duration_days", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("sim_type", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["operator"], ["operators.code"], name=op.f("fk_packages_operator_operators")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packages")),
        sa.UniqueConstraint("code", name=op.f("uq_packages_code")),
    )
    op.create_index("ix_packages_operator_active", "packages", ["operator", "active"], unique=False)
    op.create_table(
        "operator_routes",
        sa.Column("operator", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("adapter", sa.String(length=16), nullable=False),
        sa.Column("base_url", sa.String(length=300), nullable=True),
        sa.Column("credential_name", sa.String(length=64), nullable=True),
        sa.Column("operator_codes", sa.JSON(), nullable=False),
        sa.Column("rate_limit_per_second", sa.Integer(), nullable=False),
        sa.Column("max_concurrency", sa.Integer(), nullable=False),
        sa.Column("connect_timeout_ms", sa.Integer(), nullable=False),
        sa.Column("read_timeout_ms", sa.Integer(), nullable=False),
        sa.Column("breaker_failure_threshold", sa.Integer(), nullable=False),
        sa.Column("breaker_reset_seconds", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator"], ["operators.code"], name=op.f("fk_operator_routes_operator_operators")
        ),
        sa.PrimaryKeyConstraint("operator", name=op.f("pk_operator_routes")),
    )
    op.create_table(
        "sim_topups",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("mobile", sa.String(length=11), nullable=False),
        sa.Column("operator_code", sa.String(length=16), nullable=False),
        sa.Column("product", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("provider_ref", sa.String(length=40), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sim_topups")),
        sa.UniqueConstraint("reference", name=op.f("uq_sim_topups_reference")),
    )
    op.create_index(op.f("ix_sim_topups_mobile"), "sim_topups", ["mobile"], unique=False)
    _seed()


def _seed() -> None:
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite keeps naive UTC (UtcDateTime reads it back as UTC)
    columns: dict[str, list[sa.ColumnClause[Any]]] = {
        "operators": [
            sa.column("code", sa.SmallInteger()),
            sa.column("name_fa", sa.String()),
            sa.column("name_en", sa.String()),
            sa.column("airtime_min", sa.BigInteger()),
            sa.column("airtime_max", sa.BigInteger()),
            sa.column("updated_at", sa.DateTime(timezone=True)),
        ],
        "operator_prefixes": [
            sa.column("id", sa.String()),
            sa.column("prefix", sa.String()),
            sa.column("operator", sa.SmallInteger()),
            sa.column("note", sa.String()),
            sa.column("created_at", sa.DateTime(timezone=True)),
            sa.column("updated_at", sa.DateTime(timezone=True)),
        ],
        "packages": [
            sa.column("id", sa.String()),
            sa.column("code", sa.String()),
            sa.column("operator", sa.SmallInteger()),
            sa.column("title", sa.String()),
            sa.column("volume_mb", sa.Integer()),
            sa.column("duration_days", sa.Integer()),
            sa.column("price", sa.BigInteger()),
            sa.column("sim_type", sa.String()),
            sa.column("active", sa.Boolean()),
            sa.column("created_at", sa.DateTime(timezone=True)),
            sa.column("updated_at", sa.DateTime(timezone=True)),
        ],
        "operator_routes": [
            sa.column("operator", sa.SmallInteger()),
            sa.column("name", sa.String()),
            sa.column("adapter", sa.String()),
            sa.column("base_url", sa.String()),
            sa.column("credential_name", sa.String()),
            sa.column("operator_codes", sa.JSON()),
            sa.column("rate_limit_per_second", sa.Integer()),
            sa.column("max_concurrency", sa.Integer()),
            sa.column("connect_timeout_ms", sa.Integer()),
            sa.column("read_timeout_ms", sa.Integer()),
            sa.column("breaker_failure_threshold", sa.Integer()),
            sa.column("breaker_reset_seconds", sa.Integer()),
            sa.column("active", sa.Boolean()),
            sa.column("updated_at", sa.DateTime(timezone=True)),
        ],
    }
    for name, rows in seed_rows(now).items():
        op.bulk_insert(sa.table(name, *columns[name]), rows)


def downgrade() -> None:
    op.drop_index(op.f("ix_sim_topups_mobile"), table_name="sim_topups")
    op.drop_table("sim_topups")
    op.drop_table("operator_routes")
    op.drop_index("ix_packages_operator_active", table_name="packages")
    op.drop_table("packages")
    op.drop_table("operator_prefixes")
    op.drop_table("operators")

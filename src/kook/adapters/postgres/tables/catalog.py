"""Catalogue and routing tables: operators (with airtime bounds), prefixes,
packages, routes — and the sandbox operator's own ledger (``sim_topups``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime, str_enum
from kook.domain.catalog.product import SimType
from kook.domain.routing.operator import Operator


class OperatorType(sa.types.TypeDecorator[Operator]):
    """An ``Operator`` stored as its manual code (SMALLINT)."""

    impl = sa.SmallInteger()
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Operator | None:
        return None if value is None else Operator(int(value))


operators = sa.Table(
    "operators",
    metadata,
    sa.Column("code", OperatorType(), primary_key=True, autoincrement=False),
    sa.Column("name_fa", sa.String(40), nullable=False),
    sa.Column("name_en", sa.String(40), nullable=False),
    sa.Column("airtime_min", sa.BigInteger(), nullable=False),
    sa.Column("airtime_max", sa.BigInteger(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

operator_prefixes = sa.Table(
    "operator_prefixes",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("prefix", sa.String(10), nullable=False, unique=True),
    # NULL: a block shared by several operators; a number in it needs an explicit code.
    sa.Column("operator", OperatorType(), sa.ForeignKey("operators.code"), nullable=True),
    sa.Column("note", sa.String(200), nullable=False, server_default=""),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

packages = sa.Table(
    "packages",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("operator", OperatorType(), sa.ForeignKey("operators.code"), nullable=False),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("volume_mb", sa.Integer(), nullable=False),
    sa.Column("duration_days", sa.Integer(), nullable=False),
    sa.Column("price", sa.BigInteger(), nullable=False),
    sa.Column("sim_type", str_enum(SimType), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index("ix_packages_operator_active", "operator", "active"),
)

operator_routes = sa.Table(
    "operator_routes",
    metadata,
    sa.Column("operator", OperatorType(), sa.ForeignKey("operators.code"), primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("adapter", sa.String(16), nullable=False),
    sa.Column("base_url", sa.String(300), nullable=True),  # NULL: the deployment's default (KOOK_OPERATOR_BASE_URL)
    sa.Column("credential_name", sa.String(64), nullable=True),  # the secret itself stays in the environment
    sa.Column("operator_codes", sa.JSON(), nullable=False),  # {"<our code>": "<the provider's code>"}
    sa.Column("rate_limit_per_second", sa.Integer(), nullable=False),
    sa.Column("max_concurrency", sa.Integer(), nullable=False),
    sa.Column("connect_timeout_ms", sa.Integer(), nullable=False),
    sa.Column("read_timeout_ms", sa.Integer(), nullable=False),
    sa.Column("breaker_failure_threshold", sa.Integer(), nullable=False),
    sa.Column("breaker_reset_seconds", sa.Integer(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# The sandbox operator's ledger (dev and test only): what it really applied.
sim_topups = sa.Table(
    "sim_topups",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(64), nullable=False, unique=True),
    sa.Column("mobile", sa.String(11), nullable=False, index=True),
    sa.Column("operator_code", sa.String(16), nullable=False),
    sa.Column("product", sa.String(40), nullable=False),
    sa.Column("amount", sa.BigInteger(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # applied | failed
    sa.Column("code", sa.String(32), nullable=True),
    sa.Column("provider_ref", sa.String(40), nullable=True),
    sa.Column("applied_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

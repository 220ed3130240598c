"""Customers: one KYC profile per user (natural or legal person) and its review."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime, str_enum
from kook.domain.customers.customer import CustomerKind, CustomerStatus

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner_user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False, unique=True),
    sa.Column("kind", str_enum(CustomerKind), nullable=False),
    sa.Column("status", str_enum(CustomerStatus), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("status_changed_at", UtcDateTime(), nullable=False),
    sa.Column("submitted_at", UtcDateTime(), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("rejection_reason", sa.String(500), nullable=True),
    # both kinds
    sa.Column("postal_code", sa.String(10), nullable=True),
    sa.Column("address", sa.String(300), nullable=True),
    sa.Column("phone", sa.String(11), nullable=True),
    # natural person
    sa.Column("first_name", sa.String(50), nullable=True),
    sa.Column("last_name", sa.String(50), nullable=True),
    sa.Column("father_name", sa.String(50), nullable=True),
    sa.Column("national_code", sa.String(10), nullable=True),
    sa.Column("birth_date", sa.Date(), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    # legal person
    sa.Column("company_name", sa.String(150), nullable=True),
    sa.Column("national_id", sa.String(11), nullable=True),
    sa.Column("registration_number", sa.String(20), nullable=True),
    sa.Column("economic_code", sa.String(14), nullable=True),
    sa.Column("representative_name", sa.String(100), nullable=True),
    sa.Column("representative_national_code", sa.String(10), nullable=True),
    sa.Column("representative_mobile", sa.String(11), nullable=True),
    sa.Index("ix_customers_status_changed", "status", "status_changed_at", "id"),
)

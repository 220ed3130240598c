"""Services: the catalogue of Kook's services, their versioned terms, and activations."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime

services = sa.Table(
    "services",
    metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("title", sa.String(100), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("activatable", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("contact_phone", sa.String(20), nullable=True),
    sa.Column("current_terms_version", sa.String(16), nullable=True),
)

service_terms = sa.Table(
    "service_terms",
    metadata,
    sa.Column("service_code", sa.String(32), sa.ForeignKey("services.code"), primary_key=True),
    sa.Column("version", sa.String(16), primary_key=True),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=False),
)

service_activations = sa.Table(
    "service_activations",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("customer_id", sa.String(32), sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("service_code", sa.String(32), sa.ForeignKey("services.code"), nullable=False),
    sa.Column("terms_version", sa.String(16), nullable=False),
    sa.Column("accepted_by_user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
    sa.Column("accepted_at", UtcDateTime(), nullable=False),
    sa.Column("client_address", sa.String(64), nullable=False),
    sa.UniqueConstraint("customer_id", "service_code", name="uq_service_activations_customer_service"),
)

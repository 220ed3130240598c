"""Every table of every context, for Alembic and the schema tests."""

from __future__ import annotations

from kook.adapters.postgres import (  # noqa: F401
    tables,
    tables_catalog,
    tables_customers,
    tables_idempotency,
    tables_invoicing,
    tables_messaging,
    tables_reporting,
    tables_requests,
    tables_sandbox_gateway,
    tables_services,
    tables_teams,
    tables_wallet,
    tables_webhooks,
)
from kook.adapters.postgres.metadata import metadata

__all__ = ["metadata"]

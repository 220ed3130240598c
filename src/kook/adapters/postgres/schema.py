"""Every table of every context, for Alembic and the schema tests."""

from __future__ import annotations

from kook.adapters.postgres.tables import (  # noqa: F401
    audit,
    catalog,
    customers,
    idempotency,
    identity,
    invoicing,
    messaging,
    reporting,
    requests,
    sandbox,
    services,
    teams,
    wallet,
    webhooks,
)
from kook.adapters.postgres.tables.metadata import metadata

__all__ = ["metadata"]

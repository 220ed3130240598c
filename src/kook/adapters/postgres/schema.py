"""Every table of every context, for Alembic and the schema tests."""

from __future__ import annotations

from kook.adapters.postgres import tables  # noqa: F401  (identity and shared)
from kook.adapters.postgres.metadata import metadata

__all__ = ["metadata"]

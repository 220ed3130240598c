"""Answers kept for ``Idempotency-Key`` headers: one row per (caller, key)."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("method_path", sa.String(300), nullable=False),
    sa.Column("body_hash", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=True),  # null while the first call is being answered
    sa.Column("response", sa.Text(), nullable=True),  # the response body (JSON)
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

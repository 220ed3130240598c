"""The audit log: who did what, when, and from where (append-only: migration 0016's trigger)."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(128), nullable=False),
    sa.Column("before", sa.JSON(), nullable=True),
    sa.Column("after", sa.JSON(), nullable=True),
    sa.Column("member_id", sa.String(32), nullable=True),  # the customer's member who acted (issue 18)
    # The client address of the HTTP request behind the action; NULL for the scheduler and the workers.
    sa.Column("address", sa.String(64), nullable=True),
)

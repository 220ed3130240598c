"""Reporting tables: background exports of large reports (a file kept for a day)."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.metadata import metadata
from kook.adapters.postgres.types import UtcDateTime

report_exports = sa.Table(
    "report_exports",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("owner_id", sa.String(32), nullable=False),  # the user (or staff member) who asked: only they download
    sa.Column("customer_id", sa.String(32), nullable=True),  # the filter's customer; None: staff across customers
    sa.Column("kind", sa.String(32), nullable=False),  # "transactions"
    sa.Column("filter", sa.Text(), nullable=False),  # the query as typed (JSON): the job checks it again
    sa.Column("status", sa.String(16), nullable=False),  # queued | running | done | failed
    sa.Column("rows_total", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("rows_done", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("file_key", sa.String(64), nullable=True),
    sa.Column("size", sa.BigInteger(), nullable=True),
    sa.Column("error", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=True),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Index("ix_report_exports_owner_id_created_at", "owner_id", "created_at"),
    sa.Index("ix_report_exports_expires_at", "expires_at"),
)

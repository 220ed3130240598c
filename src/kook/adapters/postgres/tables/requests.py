"""Bulk request tables: requests, their uploads, and their lines (SPEC §7).

Lines are written and read with Core statements only (bulk inserts, one
UPDATE per confirmation); no ORM object is made per line.
"""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime, UtcDateTimeList

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# What the report indexes carry besides their keys (PostgreSQL INCLUDE), see migration 0014.
REPORT_COVERED = ("status", "operator", "product", "package_code", "amount", "price")

requests = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("customer_id", sa.String(32), nullable=False, index=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("total_held", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("confirmed_at", UtcDateTime(), nullable=True),
    # fulfilment (0006)
    sa.Column("started_at", UtcDateTime(), nullable=True),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("settled", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("released", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("notified_at", UtcDateTime(), nullable=True),
    sa.Column("notice_claimed_at", UtcDateTime(), nullable=True),  # (0009) a teller took the notice on
    sa.Column("worked_at", UtcDateTime(), nullable=True),  # last claim: the sweeper re-dispatches idle runs
    # schedule and repeat (0007)
    sa.Column("schedule_at", UtcDateTime(), nullable=True),
    sa.Column("repeat", sa.Text(), nullable=True),  # the Repeat rule as JSON (a repeating request)
    sa.Column("next_run_at", UtcDateTime(), nullable=True),
    sa.Column("runs_started", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("parent_id", sa.String(32), nullable=True),  # a run: its repeating request
    sa.Column("run_number", sa.Integer(), nullable=True),
    sa.Column("skipped_runs", UtcDateTimeList(), nullable=True),  # (0012) upcoming runs skipped
    sa.Index("ix_requests_status", "status"),
    sa.Index("ix_requests_status_next_run_at", "status", "next_run_at"),
    sa.Index("ux_requests_parent_run", "parent_id", "run_number", unique=True),
)

# (0012) What happened to an occurrence of a repeating request that made no run of its own (not funded,
# skipped), and the short-wallet reminders before one: one row per (template, occurrence, kind), so two
# schedulers record and tell each once. A notice is claimed (``claimed_at``) before it is sent and marked
# ``sent_at`` after; a teller that died is replaced once its claim is older than the lease.
request_run_log = sa.Table(
    "request_run_log",
    metadata,
    sa.Column("parent_id", sa.String(32), primary_key=True),
    sa.Column("run_at", UtcDateTime(), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),  # not_funded | skipped | reminder
    sa.Column("customer_id", sa.String(32), nullable=False),
    sa.Column("run_number", sa.Integer(), nullable=False),
    sa.Column("total", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("available", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("title", sa.String(200), nullable=False, server_default=""),
    sa.Column("body", sa.Text(), nullable=False, server_default=""),
    sa.Column("sms", sa.Text(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("claimed_at", UtcDateTime(), nullable=True),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Index(
        "ix_request_run_log_unsent",
        "claimed_at",
        postgresql_where=sa.text("sent_at IS NULL"),
        sqlite_where=sa.text("sent_at IS NULL"),
    ),
)

request_uploads = sa.Table(
    "request_uploads",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("request_id", sa.String(32), sa.ForeignKey("requests.id"), nullable=False, index=True),
    sa.Column("customer_id", sa.String(32), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False, server_default=""),
    sa.Column("rows", sa.Integer(), nullable=False),
    sa.Column("valid", sa.Integer(), nullable=False),
    sa.Column("invalid", sa.Integer(), nullable=False),
    sa.Column("duplicates", sa.Integer(), nullable=False),
    sa.Column("headers", sa.Text(), nullable=False, server_default="[]"),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

request_lines = sa.Table(
    "request_lines",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("customer_id", sa.String(32), nullable=False),
    sa.Column("request_id", sa.String(32), sa.ForeignKey("requests.id"), nullable=False),
    sa.Column("upload_id", sa.String(32), nullable=True),
    sa.Column("source_row", sa.Integer(), nullable=True),
    sa.Column("mobile", sa.String(32), nullable=False),
    sa.Column("operator", sa.SmallInteger(), nullable=True),
    sa.Column("ported", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("product", sa.String(16), nullable=False),
    sa.Column("amount", sa.BigInteger(), nullable=True),
    sa.Column("package_code", sa.String(32), nullable=True),
    sa.Column("package_title", sa.String(120), nullable=True),
    sa.Column("price", sa.BigInteger(), nullable=False, server_default="0"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error_column", sa.String(32), nullable=True),
    sa.Column("error_code", sa.String(64), nullable=True),
    sa.Column("duplicate", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("cells", sa.Text(), nullable=True),  # the uploaded row (JSON), kept for invalid lines only
    sa.Column("created_at", UtcDateTime(), nullable=False),
    # fulfilment (0006)
    sa.Column("attempt", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("reference", sa.String(64), nullable=True),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("outcome_code", sa.String(64), nullable=True),
    sa.Column("provider_ref", sa.String(128), nullable=True),
    sa.Column("checks", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("next_check_at", UtcDateTime(), nullable=True),
    sa.Column("unknown_since", UtcDateTime(), nullable=True),
    sa.Column("escalated", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("resolved_by", sa.String(64), nullable=True),
    sa.Index("ix_request_lines_request_status_id", "request_id", "status", "id"),
    # partial: only lines being sent or of unknown outcome enter them, so a 100,000-line upload pays nothing
    sa.Index(
        "ix_request_lines_sending_sent_at",
        "sent_at",
        postgresql_where=sa.text("status = 'sending'"),
        sqlite_where=sa.text("status = 'sending'"),
    ),
    # reports (0010, 0014): transactions newest first, per customer and across customers. On PostgreSQL they
    # cover every column a filter or the totals read (INCLUDE), so a page's ids and the totals of a customer's
    # million lines are index-only scans; mobile and request filters have their own, ordered the same way.
    sa.Index(
        "ix_request_lines_customer_sent_at_id",
        "customer_id",
        "sent_at",
        "id",
        postgresql_include=list(REPORT_COVERED),
        postgresql_where=sa.text("sent_at IS NOT NULL"),
        sqlite_where=sa.text("sent_at IS NOT NULL"),
    ),
    sa.Index(
        "ix_request_lines_sent_at_id",
        "sent_at",
        "id",
        postgresql_include=list(REPORT_COVERED),
        postgresql_where=sa.text("sent_at IS NOT NULL"),
        sqlite_where=sa.text("sent_at IS NOT NULL"),
    ),
    sa.Index(
        "ix_request_lines_mobile_sent_at_id",
        "mobile",
        "sent_at",
        "id",
        postgresql_where=sa.text("sent_at IS NOT NULL"),
        sqlite_where=sa.text("sent_at IS NOT NULL"),
    ),
    sa.Index(
        "ix_request_lines_request_sent_at_id",
        "request_id",
        "sent_at",
        "id",
        postgresql_where=sa.text("sent_at IS NOT NULL"),
        sqlite_where=sa.text("sent_at IS NOT NULL"),
    ),
    sa.Index(
        "ix_request_lines_unknown_next_check_at",
        "next_check_at",
        postgresql_where=sa.text("status = 'unknown'"),
        sqlite_where=sa.text("status = 'unknown'"),
    ),
)

"""Messaging: the messages the portal sends a customer's user."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
    sa.Column("customer_id", sa.String(32), sa.ForeignKey("customers.id"), nullable=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("read_at", UtcDateTime(), nullable=True),
    sa.Index("ix_messages_user_created", "user_id", "created_at", "id"),
    sa.Index("ix_messages_user_read", "user_id", "read_at"),
)

# Issue 15 (0013): the customer's events, their private calendar feed, and the low-balance alert.
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("text", sa.Text(), nullable=False, server_default=""),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("remind_minutes", sa.Integer(), nullable=True),
    sa.Column("remind_message", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("remind_sms", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("remind_at", UtcDateTime(), nullable=True),
    sa.Column("reminded_at", UtcDateTime(), nullable=True),  # the claim: set once, by one scheduler
    sa.Index("ix_events_user_at", "user_id", "at"),
    sa.Index(
        "ix_events_due",
        "remind_at",
        postgresql_where=sa.text("reminded_at IS NULL"),
        sqlite_where=sa.text("reminded_at IS NULL"),
    ),
)

calendar_feeds = sa.Table(
    "calendar_feeds",
    metadata,
    sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

balance_alerts = sa.Table(
    "balance_alerts",
    metadata,
    sa.Column("customer_id", sa.String(32), sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("threshold", sa.BigInteger(), nullable=False),
    # set when the wallet fell below the threshold and the customer was told; cleared when it is back above
    sa.Column("alerted_at", UtcDateTime(), nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

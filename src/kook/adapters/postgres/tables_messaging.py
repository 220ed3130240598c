"""Messaging: the messages the portal sends a customer's user."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.metadata import metadata
from kook.adapters.postgres.types import UtcDateTime

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

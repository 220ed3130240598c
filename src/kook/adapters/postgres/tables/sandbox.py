"""The sandbox's tables, dev and test only: the development SMS inbox (``kook.sandbox.sms_inbox``) and the
sandbox bank gateway's own book (``kook.sandbox.gateway``).

They live here and not in ``kook.sandbox``: the adapters layer (``schema.py``, the
Alembic environment, the schema tests) must see every table of the metadata, and
it may not import the sandbox layer.
"""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime

sandbox_gateway_payments = sa.Table(
    "sandbox_gateway_payments",
    metadata,
    sa.Column("token", sa.String(64), primary_key=True),  # random, unguessable; in the page's URL
    sa.Column("payment_id", sa.String(64), nullable=False),  # the portal's payment id
    sa.Column("amount", sa.BigInteger(), nullable=False),  # rials
    sa.Column("callback_url", sa.Text(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # created | paid | cancelled | verified | reversed
    sa.Column("verify_count", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("paid_at", UtcDateTime(), nullable=True),
)

sandbox_sms = sa.Table(
    "sandbox_sms",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("mobile", sa.String(11), nullable=False, index=True),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("code", sa.String(16), nullable=True),
    sa.Column("sent_at", UtcDateTime(), nullable=False),
)

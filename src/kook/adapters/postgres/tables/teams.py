"""A customer's team (issue 18): members and their roles, invitations, the approval rules and approvals."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime

customer_members = sa.Table(
    "customer_members",
    metadata,
    sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), primary_key=True),  # one customer per person
    sa.Column("customer_id", sa.String(32), sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("joined_at", UtcDateTime(), nullable=False),
    sa.Column("invited_by", sa.String(32), nullable=True),
)

member_invitations = sa.Table(
    "member_invitations",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("customer_id", sa.String(32), sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("mobile", sa.String(11), nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("invited_by", sa.String(32), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("accepted_at", UtcDateTime(), nullable=True),
    sa.Column("withdrawn_at", UtcDateTime(), nullable=True),
)

approval_policies = sa.Table(
    "approval_policies",
    metadata,
    sa.Column("customer_id", sa.String(32), sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("threshold", sa.BigInteger(), nullable=True),
    sa.Column("operator_may_confirm", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

request_approvals = sa.Table(
    "request_approvals",
    metadata,
    sa.Column("request_id", sa.String(32), primary_key=True),  # no FK: deleting a draft leaves it behind
    sa.Column("customer_id", sa.String(32), sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("maker_user_id", sa.String(32), nullable=False),
    sa.Column("total", sa.BigInteger(), nullable=False),
    sa.Column("requested_at", UtcDateTime(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("code_id", sa.String(32), nullable=True),
    sa.Column("code_holder", sa.String(32), nullable=True),
    sa.Column("approver_user_id", sa.String(32), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
)

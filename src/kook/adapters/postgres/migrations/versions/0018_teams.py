"""Teams and approvals (issue 18): a customer's members with roles, invitations, the approval rules,
requests waiting for approval, and the member named in the audit log.

Every existing customer's user becomes its owner.

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0018"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_members",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_customer_members_customer_id_customers")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_customer_members_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_customer_members")),
    )
    op.create_index(op.f("ix_customer_members_customer_id"), "customer_members", ["customer_id"])
    op.create_table(
        "member_invitations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("mobile", sa.String(length=11), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("invited_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_member_invitations_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_invitations")),
    )
    op.create_index(op.f("ix_member_invitations_customer_id"), "member_invitations", ["customer_id"])
    op.create_index(op.f("ix_member_invitations_mobile"), "member_invitations", ["mobile"])
    op.create_table(
        "approval_policies",
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("threshold", sa.BigInteger(), nullable=True),
        sa.Column("operator_may_confirm", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_approval_policies_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_approval_policies")),
    )
    op.create_table(
        "request_approvals",
        sa.Column("request_id", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.String(length=32), nullable=False),
        sa.Column("maker_user_id", sa.String(length=32), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("code_id", sa.String(length=32), nullable=True),
        sa.Column("code_holder", sa.String(length=32), nullable=True),
        sa.Column("approver_user_id", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_request_approvals_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_request_approvals")),
    )
    op.create_index(op.f("ix_request_approvals_customer_id"), "request_approvals", ["customer_id"])
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("member_id", sa.String(length=32), nullable=True))
    # Every existing customer's user becomes its owner.
    op.execute(
        "INSERT INTO customer_members (user_id, customer_id, role, joined_at) "
        "SELECT owner_user_id, id, 'owner', created_at FROM customers"
    )


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("member_id")
    op.drop_index(op.f("ix_request_approvals_customer_id"), table_name="request_approvals")
    op.drop_table("request_approvals")
    op.drop_table("approval_policies")
    op.drop_index(op.f("ix_member_invitations_mobile"), table_name="member_invitations")
    op.drop_index(op.f("ix_member_invitations_customer_id"), table_name="member_invitations")
    op.drop_table("member_invitations")
    op.drop_index(op.f("ix_customer_members_customer_id"), table_name="customer_members")
    op.drop_table("customer_members")

"""The audit log records where an action came from, and is append-only on PostgreSQL.

``audit_log.address`` is the client address of the HTTP request that made the action (NULL for the scheduler and
the workers). On PostgreSQL a trigger refuses every UPDATE, DELETE and TRUNCATE of ``audit_log``, whatever role
the application connects as, and UPDATE/DELETE/TRUNCATE are revoked from PUBLIC. The one way around it is the
maintenance path PostgreSQL itself provides: a superuser session with ``SET session_replication_role = replica``
(ordinary triggers do not fire there); the test suite's cleanup between tests uses it, the application never does.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE OR REPLACE FUNCTION kook_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("address", sa.String(64), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION kook_audit_log_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION kook_audit_log_append_only()"
    )
    op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS kook_audit_log_append_only()")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("address")

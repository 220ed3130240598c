"""Reports: the transactions of a customer newest first, and of everyone for staff.

Only lines that were sent enter the indexes (``sent_at`` set): a 100,000-line upload
pays nothing for them until its lines go out.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SENT = "sent_at IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_request_lines_customer_sent_at_id",
        "request_lines",
        ["customer_id", "sent_at", "id"],
        postgresql_where=sa.text(_SENT),
        sqlite_where=sa.text(_SENT),
    )
    op.create_index(
        "ix_request_lines_sent_at_id",
        "request_lines",
        ["sent_at", "id"],
        postgresql_where=sa.text(_SENT),
        sqlite_where=sa.text(_SENT),
    )


def downgrade() -> None:
    op.drop_index("ix_request_lines_sent_at_id", table_name="request_lines")
    op.drop_index("ix_request_lines_customer_sent_at_id", table_name="request_lines")

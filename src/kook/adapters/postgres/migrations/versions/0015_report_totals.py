"""ریز تراکنش's totals from a rollup: per customer (and all customers), day, status, operator, product, package.

A trigger on ``request_lines`` (PostgreSQL and SQLite alike: every writer of lines, COPY included, goes
through it) appends one delta row per report-visible change: -1 and minus the amount under the old key, +1
and the amount under the new one. ``reports.fold_totals`` folds the deltas into ``report_line_totals``.
The rollup day is the UTC date of ``sent_at + 3:30`` — Tehran's day since Iran dropped daylight saving
(2022); the reader reads any part of a filter not made of whole rollup days from the lines, so the figures
are exact for any time range. Existing lines are rolled up here.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "customer_id, day, status, operator, product, package_code"
_WATCHED = ("sent_at", "status", "operator", "product", "package_code", "amount", "price", "customer_id")


def _day(row: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"(({row}.sent_at AT TIME ZONE 'UTC') + interval '210 minutes')::date"
    return f"date({row}.sent_at, '+210 minutes')"


def _values(row: str, sign: str, dialect: str) -> str:
    amount = f"(CASE WHEN {row}.product = 'airtime' THEN coalesce({row}.amount, 0) ELSE {row}.price END)"
    return (
        f"{row}.customer_id, {_day(row, dialect)}, {row}.status, coalesce({row}.operator, 0), {row}.product, "
        f"coalesce({row}.package_code, ''), {sign}1, {sign}{amount}"
    )


_INSERT = f"INSERT INTO report_line_deltas ({_KEY}, lines, amount)"

_PG_FUNCTION = f"""
CREATE FUNCTION report_line_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.sent_at IS NOT NULL THEN
        {_INSERT} VALUES ({_values("OLD", "-", "postgresql")});
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.sent_at IS NOT NULL THEN
        {_INSERT} VALUES ({_values("NEW", "", "postgresql")});
    END IF;
    RETURN NULL;
END
$$
"""


def _create_triggers(dialect: str) -> None:
    if dialect == "postgresql":
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _WATCHED)
        op.execute(_PG_FUNCTION)
        for event, when in (
            ("INSERT", "NEW.sent_at IS NOT NULL"),
            ("UPDATE", changed),
            ("DELETE", "OLD.sent_at IS NOT NULL"),
        ):
            op.execute(
                f"CREATE TRIGGER report_lines_{event.lower()} AFTER {event} ON request_lines "
                f"FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION report_line_delta()"
            )
        return
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _WATCHED)
    old = f"{_INSERT} SELECT {_values('OLD', '-', 'sqlite')} WHERE OLD.sent_at IS NOT NULL;"
    new = f"{_INSERT} SELECT {_values('NEW', '', 'sqlite')} WHERE NEW.sent_at IS NOT NULL;"
    for event, when, body in (
        ("INSERT", "NEW.sent_at IS NOT NULL", new),
        ("UPDATE", changed, old + " " + new),
        ("DELETE", "OLD.sent_at IS NOT NULL", old),
    ):
        op.execute(
            f"CREATE TRIGGER report_lines_{event.lower()} AFTER {event} ON request_lines "
            f"FOR EACH ROW WHEN {when} BEGIN {body} END"
        )


def _backfill(dialect: str) -> None:
    grouped = (
        f"SELECT {{customer}}, {_day('l', dialect)} AS day, l.status, coalesce(l.operator, 0), l.product, "
        "coalesce(l.package_code, ''), count(*), "
        "sum(CASE WHEN l.product = 'airtime' THEN coalesce(l.amount, 0) ELSE l.price END) "
        "FROM request_lines l WHERE l.sent_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6"
    )
    for customer in ("l.customer_id", "'*'"):
        op.execute(f"INSERT INTO report_line_totals ({_KEY}, lines, amount) " + grouped.format(customer=customer))


def _key_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("customer_id", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("operator", sa.SmallInteger(), nullable=False),
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("package_code", sa.String(32), nullable=False),
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "report_line_totals",
        *_key_columns(),
        sa.Column("lines", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "customer_id",
            "day",
            "status",
            "operator",
            "product",
            "package_code",
            name=op.f("pk_report_line_totals"),
            postgresql_include=["lines", "amount"],
        ),
    )
    op.create_table(
        "report_line_deltas",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        *_key_columns(),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_line_deltas")),
    )
    if dialect == "postgresql":
        # the backfill and the trigger's creation see the same lines: no writer slips between them
        op.execute("LOCK TABLE request_lines IN SHARE ROW EXCLUSIVE MODE")
    _backfill(dialect)
    _create_triggers(dialect)
    if dialect == "postgresql":
        op.execute("ANALYZE report_line_totals")  # the planner sees the backfilled rows at once


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS report_lines_{event}" + (" ON request_lines" if _pg() else ""))
    if _pg():
        op.execute("DROP FUNCTION IF EXISTS report_line_delta()")
    op.drop_table("report_line_deltas")
    op.drop_table("report_line_totals")


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"
